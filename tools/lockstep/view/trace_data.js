// ---------------------------------------------------------------- data
// The trace as view.cpp embeds it: per-cycle typed arrays (A) and the delta stream of view fields (S).
const D = JSON.parse(document.getElementById('data').textContent);
const META = D.meta || {};
const N = D.records;              // cycles 0 .. N-1
const LAST = N - 1;

function bytesOf(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function typed(a) {
  const kinds = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array };
  const bytes = bytesOf(a.b64);
  return new kinds[a.type](bytes.buffer, 0, a.length);
}
const A = {};
for (const k of Object.keys(D.arrays)) A[k] = typed(D.arrays[k]);

// Per-cycle view fields: decoded on demand from the keyframe at or before the cycle.
function Stream(s) {
  const bytes = bytesOf(s.b64), offsets = typed(s.offsets), F = s.fields, K = s.keyframe;
  const state = new Int32Array(F), prev = new Int32Array(F);
  let pos = 0, cur = -1;
  function varint() {
    let r = 0, m = 1, b;
    do { b = bytes[pos++]; r += (b & 127) * m; m *= 128; } while (b & 128);
    return r;
  }
  function zz(z) { return z % 2 ? -(z + 1) / 2 : z / 2; }
  function record(i) {
    if (i % K === 0) {
      for (let f = 0; f < F; f++) state[f] = zz(varint());
    } else {
      let n = varint(), f = 0;
      while (n-- > 0) { f += varint(); state[f] = zz(varint()); f++; }
    }
  }
  this.state = state;
  this.prev = prev;     // the cycle before (equal to state at cycle 0)
  this.seek = function (c) {
    if (c === cur) return;
    const start = c > 0 ? Math.floor((c - 1) / K) * K : 0;
    if (!(cur >= start && cur < c)) {
      pos = offsets[start / K];
      record(start);
      cur = start;
      if (c === 0) { prev.set(state); return; }
    }
    while (cur < c) {
      if (cur === c - 1) prev.set(state);
      cur++;
      record(cur);
    }
  };
}
const S = new Stream(D.stream);
