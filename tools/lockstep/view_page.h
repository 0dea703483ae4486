// The page `lockstep view` writes (view.cpp): kHead, then the trace data as JSON, then the
// pieces of kTail. Self-contained: inline CSS and vanilla JS, nothing loaded from anywhere.
// Pieces stay well under 16 KB each (some compilers limit string literals).
//
// Page URL options (after '#', joined by '&'): cycle=N goes to cycle N on load;
// click=ID,ID clicks those buttons; keys=KEY,KEY sends those keydown events. The headless
// browser test uses them. Script errors are written into #errors.
#pragma once

namespace lockstep::view_page {

inline constexpr const char* kHead = R"VIEWPAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lockstep view</title>
<style>
:root { --bg: #fafafa; --fg: #212121; --mute: #757575; --line: #ddd; --head: #263238; }
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--fg); background: var(--bg); }
header { padding: 8px 14px; background: var(--head); color: #eceff1; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
header .sub { color: #b0bec5; font-size: 12px; }
main { padding: 0 14px 20px; }
#errors { display: none; white-space: pre-wrap; background: #ffebee; color: #b71c1c; border: 1px solid #e57373; padding: 6px 10px; margin: 6px 14px; font: 12px ui-monospace, monospace; }
#errors:not(:empty) { display: block; }
.controls { position: sticky; top: 0; z-index: 5; background: var(--bg); padding: 8px 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.controls button { font: 12px ui-monospace, monospace; padding: 2px 8px; min-width: 36px; cursor: pointer; }
.controls input[type=range] { flex: 1 1 280px; min-width: 160px; }
.controls input[type=number] { width: 96px; font: 12px ui-monospace, monospace; }
.cyc { font: 600 15px ui-monospace, monospace; margin-left: 6px; }
.hint { color: var(--mute); font-size: 11px; width: 100%; }
section { margin: 14px 0; }
h2 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #455a64; }
.mono, td, th, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
table { border-collapse: collapse; }
td, th { border: 1px solid var(--line); padding: 1px 5px; text-align: right; white-space: nowrap; }
th { background: #eceff1; font-weight: 600; }
.l { text-align: left; }
.chg { background: #fff59d; }
tr.off td { color: #bdbdbd; }
tr.pcrow td { background: #e3f2fd; }
.chip { display: inline-block; min-width: 68px; padding: 0 4px; border-radius: 3px; text-align: center; }
.scroll { overflow: auto; max-height: 420px; border: 1px solid var(--line); background: #fff; display: inline-block; max-width: 100%; }
.cv { position: relative; width: 100%; background: #fff; border: 1px solid var(--line); }
.cv canvas { display: block; width: 100%; }
.cv canvas.cursor { position: absolute; left: 0; top: 0; pointer-events: none; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0; font-size: 12px; color: #424242; }
.legend i { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; border: 1px solid #0002; }
.cols { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.kv td:first-child { text-align: left; color: #455a64; }
.kv td { text-align: left; }
.mismatch { background: #ffebee; border: 1px solid #e57373; padding: 6px 10px; margin-top: 10px; display: inline-block; }
.note { color: #6d4c41; background: #fff8e1; border: 1px solid #ffe082; padding: 3px 8px; display: inline-block; }
.status span.v { font-weight: 600; }
.grid td { width: 64px; height: 52px; vertical-align: top; text-align: left; padding: 2px 4px; border: 1px solid #9e9e9e; }
.grid td .gl { font-weight: 700; }
.grid td .vl { color: #212121; line-height: 1.25; }
.grid th { font-weight: 400; color: var(--mute); background: none; border: none; }
.g0 { background: #f5f5f5; } .g1 { background: #ffe082; } .g2 { background: #bbdefb; } .g3 { background: #81c784; }
#pe-info { min-height: 1.4em; }
</style>
</head>
<body>
<header><h1 id="title">lockstep view</h1><div class="sub" id="subtitle"></div></header>
<div id="errors"></div>
<script>
(function () {
  var box = document.getElementById('errors');
  function report(text) { box.textContent += text + '\n'; }
  window.lockstepReport = report;
  window.addEventListener('error', function (e) {
    report('error: ' + (e.message || e.type) + (e.lineno ? ' (line ' + e.lineno + ':' + e.colno + ')' : ''));
  });
  window.addEventListener('unhandledrejection', function (e) { report('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    report('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
</script>
<main>
<div class="controls">
  <button id="btn-first" title="first cycle (Home)">|&lt;</button>
  <button id="btn-m10" title="back 10 (Shift+Left, PageUp)">-10</button>
  <button id="btn-m1" title="back 1 (Left)">-1</button>
  <button id="btn-p1" title="forward 1 (Right)">+1</button>
  <button id="btn-p10" title="forward 10 (Shift+Right, PageDown)">+10</button>
  <button id="btn-last" title="last cycle (End)">&gt;|</button>
  <input type="range" id="slider" min="0" max="0" value="0" step="1" aria-label="cycle">
  <input type="number" id="cycle-input" min="0" value="0" step="1" aria-label="go to cycle">
  <span class="cyc">cycle <span id="cycle">0</span> / <span id="last-cycle">0</span></span>
  <div class="hint">Keys: Left/Right one cycle, Shift+Left/Right or PageUp/PageDown ten, Home/End first/last. Click or drag a timeline to jump.</div>
</div>
<div id="mismatch-box"></div>
<div id="view"></div>
<section id="summary-section"><h2>Run summary</h2><table class="kv" id="summary"></table></section>
</main>
<pre id="timing" hidden></pre>
<script type="application/json" id="data">)VIEWPAGE";

inline constexpr const char* kTail[] = {
R"VIEWPAGE(</script>
<script>
'use strict';
(function () {
// ---------------------------------------------------------------- data
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

// ---------------------------------------------------------------- helpers
const $ = (id) => document.getElementById(id);
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  if (attrs) for (const k of Object.keys(attrs)) {
    if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}
function setText(e, text) { if (e.textContent !== text) e.textContent = text; }
function setClass(e, cls, on) { if (e.classList.contains(cls) !== on) e.classList.toggle(cls, on); }
function fmtNum(v) {
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
function fmtValue(v) {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return fmtNum(v);
  if (Array.isArray(v)) return v.map(fmtValue).join(', ');
  if (typeof v === 'object') return Object.keys(v).map((k) => k + ' ' + fmtValue(v[k])).join(', ');
  return String(v);
}
function section(title, id) {
  const s = el('section', id ? { id: id } : null);
  s.appendChild(el('h2', null, title));
  $('view').appendChild(s);
  return s;
}
function legend(parent, items) {
  const box = el('div', { class: 'legend' });
  for (const [name, color] of items) {
    const span = el('span');
    const sw = el('i');
    sw.style.background = color;
    span.appendChild(sw);
    span.appendChild(document.createTextNode(name));
    box.appendChild(span);
  }
  parent.appendChild(box);
}

// ---------------------------------------------------------------- canvases
// A chart drawn once over all cycles, with a cursor layer redrawn on every move.
const GUTTER = 64;
const charts = [];
function Chart(parent, height, drawFn) {
  const wrap = el('div', { class: 'cv' });
  const base = el('canvas'), cursor = el('canvas', { class: 'cursor' });
  wrap.appendChild(base);
  wrap.appendChild(cursor);
  parent.appendChild(wrap);
  this.height = height;
  this.layout = () => {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, wrap.clientWidth || 800);
    for (const c of [base, cursor]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(height * dpr);
      c.style.width = w + 'px';
      c.style.height = height + 'px';
      c.getContext('2d').setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    this.w = w;
    this.plotW = Math.max(1, w - GUTTER - 6);
  };
  this.x = (c) => GUTTER + (c + 0.5) * this.plotW / N;
  this.cycleAt = (x) => Math.max(0, Math.min(LAST, Math.floor((x - GUTTER) * N / this.plotW)));
  // Cycle range [a, b) shown by pixel column px.
  this.bucket = (px) => {
    const a = Math.floor(px * N / this.plotW);
    return [a, Math.max(a + 1, Math.floor((px + 1) * N / this.plotW))];
  };
  this.draw = () => {
    this.layout();
    const ctx = base.getContext('2d');
    ctx.clearRect(0, 0, this.w, height);
    drawFn(ctx, this);
    const ticks = Math.max(2, Math.min(10, Math.floor(this.plotW / 90)));
    ctx.fillStyle = '#757575';
    ctx.font = '10px ui-monospace, monospace';
    ctx.textBaseline = 'bottom';
    for (let i = 0; i <= ticks; i++) {
      const c = Math.round(i * LAST / ticks);
      const x = this.x(c);
      ctx.fillRect(Math.round(x), height - 12, 1, 3);
      const label = String(c);
      const tw = ctx.measureText(label).width;
      ctx.fillText(label, Math.max(GUTTER, Math.min(this.w - tw - 2, x - tw / 2)), height);
    }
    this.cursor(current);
  };
  this.cursor = (c) => {
    const ctx = cursor.getContext('2d');
    ctx.clearRect(0, 0, this.w, height);
    const x0 = GUTTER + c * this.plotW / N, x1 = GUTTER + (c + 1) * this.plotW / N;
    if (x1 - x0 >= 3) {
      ctx.fillStyle = 'rgba(13,71,161,0.18)';
      ctx.fillRect(x0, 0, x1 - x0, height - 13);
    }
    ctx.fillStyle = '#0d47a1';
    ctx.fillRect(Math.round((x0 + x1) / 2) - 1, 0, 2, height - 13);
  };
  let dragging = false;
  const seekAt = (e) => {
    const r = base.getBoundingClientRect();
    if (e.clientX - r.left < GUTTER) return;
    go(this.cycleAt(e.clientX - r.left));
  };
  base.addEventListener('mousedown', (e) => { dragging = true; seekAt(e); e.preventDefault(); });
  window.addEventListener('mousemove', (e) => { if (dragging) seekAt(e); });
  window.addEventListener('mouseup', () => { dragging = false; });
  base.style.cursor = 'crosshair';
  charts.push(this);
}
// Average of series[a..b) per pixel column, as 0..1 of `scale`.
function columnMeans(chart, series, scale) {
  const out = new Float32Array(chart.plotW);
  for (let px = 0; px < chart.plotW; px++) {
    const [a, b] = chart.bucket(px);
    let sum = 0;
    for (let i = a; i < b && i < N; i++) sum += series[i];
    out[px] = scale > 0 ? sum / (b - a) / scale : 0;
  }
  return out;
}
function plotLine(ctx, chart, means, top, h, color, fill) {
  ctx.beginPath();
  ctx.moveTo(GUTTER, top + h);
  for (let px = 0; px < chart.plotW; px++) {
    const y = top + h - means[px] * h;
    ctx.lineTo(GUTTER + px, y);
    ctx.lineTo(GUTTER + px + 1, y);
  }
  if (fill) {
    ctx.lineTo(GUTTER + chart.plotW, top + h);
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
  } else {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}
function axisLabels(ctx, top, h, hi, lo) {
  ctx.fillStyle = '#757575';
  ctx.font = '10px ui-monospace, monospace';
  ctx.textBaseline = 'top';
  ctx.fillText(hi, 4, top);
  ctx.textBaseline = 'bottom';
  ctx.fillText(lo, 4, top + h);
  ctx.fillStyle = '#eeeeee';
  ctx.fillRect(GUTTER, top, 1, h);
  ctx.fillRect(GUTTER, top + h, 100000, 1);
}
function mismatchMark(ctx, chart, h) {
  const m = META.first_mismatch;
  if (!m || typeof m !== 'object' || typeof m.cycle !== 'number' || m.cycle > LAST) return;
  const x = Math.round(chart.x(m.cycle));
  ctx.fillStyle = '#d50000';
  ctx.beginPath();
  ctx.moveTo(x - 5, 0); ctx.lineTo(x + 5, 0); ctx.lineTo(x, 7); ctx.closePath();
  ctx.fill();
  ctx.fillRect(x, 0, 1, h);
}
)VIEWPAGE",
R"VIEWPAGE(
// ---------------------------------------------------------------- navigation
let current = 0;
let renderView = () => {};
// How long loading and each move took (ms), in #timing for lockstep bench --design view.
const timing = { load_ms: 0, steps: 0, step_ms_total: 0, step_ms_max: 0 };
function go(c) {
  const began = performance.now();
  moveTo(c);
  const took = performance.now() - began;
  timing.steps++;
  timing.step_ms_total += took;
  timing.step_ms_max = Math.max(timing.step_ms_max, took);
  setText($('timing'), JSON.stringify(timing));
}
function moveTo(c) {
  c = Math.round(Number(c));
  if (!Number.isFinite(c)) return;
  c = Math.max(0, Math.min(LAST, c));
  current = c;
  S.seek(c);
  const slider = $('slider'), input = $('cycle-input');
  if (Number(slider.value) !== c) slider.value = String(c);
  if (document.activeElement !== input || Number(input.value) !== c) input.value = String(c);
  setText($('cycle'), String(c));
  renderView(c);
  for (const ch of charts) ch.cursor(c);
}
function setupControls() {
  const slider = $('slider'), input = $('cycle-input');
  slider.max = String(LAST);
  input.max = String(LAST);
  setText($('last-cycle'), String(LAST));
  slider.addEventListener('input', () => go(slider.value));
  input.addEventListener('change', () => go(input.value));
  input.addEventListener('input', () => { if (input.value !== '') go(input.value); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(input.value); });
  const buttons = { 'btn-first': () => 0, 'btn-m10': () => current - 10, 'btn-m1': () => current - 1,
                    'btn-p1': () => current + 1, 'btn-p10': () => current + 10, 'btn-last': () => LAST };
  for (const id of Object.keys(buttons)) $(id).addEventListener('click', () => go(buttons[id]()));
  window.addEventListener('keydown', (e) => {
    const t = e.target;
    if (t && t.id === 'cycle-input') return;                      // typing a number
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    let to = null;
    switch (e.key) {
      case 'ArrowRight': to = current + (e.shiftKey ? 10 : 1); break;
      case 'ArrowLeft': to = current - (e.shiftKey ? 10 : 1); break;
      case 'PageDown': to = current + 10; break;
      case 'PageUp': to = current - 10; break;
      case 'Home': to = 0; break;
      case 'End': to = LAST; break;
      default: return;
    }
    e.preventDefault();                                           // also the slider's own step
    go(to);
  }, true);
  let timer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { for (const ch of charts) ch.draw(); }, 150);
  });
}
// #cycle=N&click=ID,ID&keys=KEY,KEY
function applyHash() {
  const opts = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) opts[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
  }
  if (opts.cycle !== undefined) go(opts.cycle);
  if (opts.click) for (const id of opts.click.split(',')) { const b = $(id); if (b) b.click(); else lockstepReport('no button ' + id); }
  if (opts.keys) for (const key of opts.keys.split(',')) {
    const shift = key.startsWith('Shift+');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: shift ? key.slice(6) : key, shiftKey: shift, bubbles: true, cancelable: true }));
  }
}

// ---------------------------------------------------------------- summary
function renderSummary() {
  const table = $('summary');
  const skip = new Set(['kind', 'listing', 'gpu', 'first_mismatch', 'recent_trace']);
  const percent = D.kind === 'systolic' ? new Set(['utilisation', 'mapping_efficiency']) : new Set();
  const row = (k, v) => {
    const tr = el('tr');
    tr.appendChild(el('td', null, k));
    tr.appendChild(el('td', { class: 'mono' }, v));
    table.appendChild(tr);
  };
  row('trace', D.trace_dir);
  row('cycles recorded', N + ' (0 .. ' + LAST + ')');
  for (const k of Object.keys(META)) {
    if (skip.has(k)) continue;
    const v = META[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const sub of Object.keys(v)) row(k + '.' + sub, fmtValue(v[sub]));
    } else if (percent.has(k) && typeof v === 'number') {
      row(k, (v * 100).toFixed(2) + ' %');
    } else {
      row(k, fmtValue(v));
    }
  }
  const m = META.first_mismatch;
  const box = $('mismatch-box');
  if (m && typeof m === 'object') {
    const div = el('div', { class: 'mismatch', id: 'mismatch' });
    div.appendChild(el('div', null, 'LOCK-STEP MISMATCH at cycle ' + m.cycle));
    for (const k of ['unit', 'signal', 'rtl', 'model', 'in_flight']) {
      if (m[k] !== undefined) div.appendChild(el('div', { class: 'mono' }, k + ': ' + fmtValue(m[k]) + (k === 'rtl' ? '   (expected)' : k === 'model' ? '   (got)' : '')));
    }
    const b = el('button', { id: 'btn-mismatch' }, 'go to cycle ' + m.cycle);
    b.addEventListener('click', () => go(m.cycle));
    div.appendChild(b);
    box.appendChild(div);
  } else {
    row('first_mismatch', 'none');
  }
}
)VIEWPAGE",
R"VIEWPAGE(
// ---------------------------------------------------------------- GPU
const STATE_COLORS = ['#e0e0e0', '#ffb74d', '#ba68c8', '#4fc3f7', '#e57373', '#66bb6a', '#26a69a', '#90a4ae'];
function setupGpu() {
  const G = META.gpu, L = D.layout, names = D.names;
  const C = G.cores, T = G.threads_per_block, RO = L.read_only;
  $('title').textContent = 'GPU trace: ' + (META.program || '');
  $('subtitle').textContent = C + ' cores x ' + T + ' threads, ' + G.data_channels + ' data channels, ' +
      G.program_channels + ' program channels; ' + (META.engine || '') + ' engine; ' + LAST + ' cycles';
  document.title = 'lockstep view: ' + (META.program || 'GPU');

  // Timeline: one row per core, coloured by scheduler state.
  const tl = section('Core states over time (a pixel column covering several cycles shows each state by its share)', 'timeline-section');
  const rowH = Math.max(4, Math.min(18, Math.floor(260 / C)));
  const states = A.core_state;
  new Chart(tl, C * rowH + 8 + 14, (ctx, ch) => {
    const counts = new Uint32Array(8);
    for (let c = 0; c < C; c++) {
      const y = 4 + c * rowH, base = c * N;
      if (rowH >= 8) {
        ctx.fillStyle = '#424242';
        ctx.font = Math.min(12, rowH - 2) + 'px ui-monospace, monospace';
        ctx.textBaseline = 'middle';
        ctx.fillText('core' + c, 4, y + rowH / 2);
      }
      // One state per pixel column: merged into runs; several: stacked by their share of the cycles.
      let runStart = 0, runState = -1;
      for (let px = 0; px <= ch.plotW; px++) {
        let s = -1, mixed = false;
        if (px < ch.plotW) {
          const [a, b] = ch.bucket(px);
          s = states[base + a] & 7;
          if (b - a > 1) {
            counts.fill(0);
            for (let i = a; i < b && i < N; i++) counts[states[base + i] & 7]++;
            mixed = counts[s] !== Math.min(b, N) - a;
          }
        }
        if (s !== runState || mixed) {
          if (runState >= 0) {
            ctx.fillStyle = STATE_COLORS[runState];
            ctx.fillRect(GUTTER + runStart, y, px - runStart, rowH - 1);
          }
          runState = mixed ? -1 : s;
          runStart = px;
        }
        if (mixed) {
          let total = 0, at = 0;
          for (let k = 0; k < 8; k++) total += counts[k];
          for (let k = 0; k < 8; k++) {
            if (!counts[k]) continue;
            const top = Math.round(at * (rowH - 1) / total), bottom = Math.round((at + counts[k]) * (rowH - 1) / total);
            at += counts[k];
            ctx.fillStyle = STATE_COLORS[k];
            ctx.fillRect(GUTTER + px, y + top, 1, bottom - top);
          }
          runStart = px + 1;
        }
      }
    }
    mismatchMark(ctx, ch, C * rowH + 8);
  });
  legend(tl, names.state.map((n, i) => [n, STATE_COLORS[i]]));

  // Utilisation over time.
  const us = section('Utilisation over time', 'util-section');
  const slots = C * T;
  new Chart(us, 110, (ctx, ch) => {
    const top = 6, h = 110 - 6 - 16;
    axisLabels(ctx, top, h, '100%', '0%');
    plotLine(ctx, ch, columnMeans(ch, A.active, slots), top, h, null, 'rgba(102,187,106,0.45)');
    plotLine(ctx, ch, columnMeans(ch, A.lsu, slots), top, h, '#1e88e5');
    plotLine(ctx, ch, columnMeans(ch, A.channels, G.data_channels), top, h, '#e53935');
    mismatchMark(ctx, ch, 110 - 14);
  });
  legend(us, [['active threads / ' + slots, 'rgba(102,187,106,0.6)'], ['LSU busy / ' + slots, '#1e88e5'],
              ['data channels busy / ' + G.data_channels, '#e53935']]);
  const utilNow = el('div', { class: 'mono', id: 'util-now' });
  us.appendChild(utilNow);

  // Cores now.
  const cs = section('Cores at this cycle', 'cores-section');
  const cores = el('table', { id: 'cores' });
  const head = el('tr');
  for (const h of ['core', 'state', 'pc', 'instruction', 'fetcher', 'block', 'threads', 'flags']) head.appendChild(el('th', { class: 'l' }, h));
  cores.appendChild(head);
  const coreCells = [];
  for (let c = 0; c < C; c++) {
    const tr = el('tr');
    const cells = {};
    tr.appendChild(el('td', { class: 'l' }, 'core' + c));
    for (const k of ['state', 'pc', 'instr', 'fetcher', 'block', 'threads', 'flags']) {
      const td = el('td', { class: 'l', id: 'core' + c + '-' + k });
      tr.appendChild(td);
      cells[k] = td;
    }
    cells.state.className = 'l chip';
    cores.appendChild(tr);
    coreCells.push(cells);
  }
  cs.appendChild(cores);
  const chans = el('pre', { id: 'channels' });
  cs.appendChild(chans);

  // Threads now.
  const ts = section('Threads at this cycle (changed since the cycle before: highlighted)', 'threads-section');
  const wrap = el('div', { class: 'scroll' });
  const threads = el('table', { id: 'threads' });
  const th = el('tr');
  const cols = ['core', 'thread'];
  for (let r = 0; r < RO; r++) cols.push('R' + r);
  cols.push('blockIdx', 'blockDim', 'threadIdx', 'nzp', 'lsu', 'lsu_out', 'alu', 'next_pc');
  for (const h of cols) th.appendChild(el('th', null, h));
  threads.appendChild(th);
  const rows = [];
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < T; t++) {
      const tr = el('tr', { id: 'c' + c + 't' + t });
      tr.appendChild(el('td', null, String(c)));
      tr.appendChild(el('td', null, String(t)));
      const cells = [];
      for (let k = 2; k < cols.length; k++) {
        const td = el('td', { id: 'c' + c + 't' + t + '-' + cols[k] });
        tr.appendChild(td);
        cells.push(td);
      }
      threads.appendChild(tr);
      rows.push({ tr: tr, cells: cells });
    }
  }
  wrap.appendChild(threads);
  ts.appendChild(wrap);

  // Program listing with each running core's PC.
  const listing = META.listing || [];
  const ls = section('Program', 'listing-section');
  const lwrap = el('div', { class: 'scroll' });
  const lt = el('table', { id: 'listing' });
  const lh = el('tr');
  for (const h of ['addr', 'word', 'instruction', 'line', 'cores']) lh.appendChild(el('th', { class: 'l' }, h));
  lt.appendChild(lh);
  const listRows = [];
  for (const line of listing) {
    const tr = el('tr');
    tr.appendChild(el('td', null, String(line.address)));
    tr.appendChild(el('td', { class: 'l' }, line.word.toString(16).padStart(4, '0')));
    tr.appendChild(el('td', { class: 'l' }, line.text));
    tr.appendChild(el('td', null, String(line.line)));
    const who = el('td', { class: 'l' });
    tr.appendChild(who);
    lt.appendChild(tr);
    listRows.push({ tr: tr, who: who });
  }
  lwrap.appendChild(lt);
  ls.appendChild(lwrap);
)VIEWPAGE",
R"VIEWPAGE(
  const nzpText = (v) => (v & 4 ? 'n' : '-') + (v & 2 ? 'z' : '-') + (v & 1 ? 'p' : '-');
  const u32 = (v) => String(v >>> 0);
  let marked = [];
  renderView = (cyc) => {
    const s = S.state, p = S.prev, fresh = cyc > 0;
    const running = [];
    for (let c = 0; c < C; c++) {
      const o = L.core + c * L.core_fields;
      const st = s[o], start = s[o + 4] !== 0, reset = s[o + 5] !== 0;
      const run = start && !reset && st !== 0 && st !== 7;
      running.push({ start: start, run: run, threads: s[o + 8], pc: s[o + 2] });
      const cells = coreCells[c];
      setText(cells.state, names.state[st] || String(st));
      cells.state.style.background = STATE_COLORS[st] || '#fff';
      setText(cells.pc, String(s[o + 2]));
      const decoded = run && st !== 1;
      setText(cells.instr, decoded ? (D.instructions[String(s[o + 3] & 0xffff)] || '?') : '');
      setText(cells.fetcher, names.fetcher[s[o + 1]] || String(s[o + 1]));
      setText(cells.block, String(s[o + 7] >>> 0));
      setText(cells.threads, String(s[o + 8]));
      setText(cells.flags, (start ? '' : 'no block ') + (reset ? 'reset ' : '') + (s[o + 6] ? 'DIVERGED' : ''));
    }
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < T; t++) {
        const row = rows[c * T + t];
        const on = running[c].start && t < running[c].threads;
        setClass(row.tr, 'off', !on);
        const o = L.thread + (c * T + t) * L.thread_fields;
        let k = 0;
        const put = (text, f) => {
          const td = row.cells[k++];
          setText(td, text);
          setClass(td, 'chg', on && fresh && s[f] !== p[f]);
        };
        for (let r = 0; r < 16; r++) put(u32(s[o + r]), o + r);
        put(nzpText(s[o + 19]), o + 19);
        put(names.lsu[s[o + 16]] || String(s[o + 16]), o + 16);
        put(u32(s[o + 17]), o + 17);
        put(u32(s[o + 18]), o + 18);
        put(u32(s[o + 20]), o + 20);
      }
    }
    let text = 'data memory:   ';
    for (let ch = 0; ch < G.data_channels; ch++) {
      const o = L.data + ch * L.data_fields;
      text += ' ch' + ch + ' ' + (s[o] ? 'read @' + u32(s[o + 1]) : s[o + 2] ? 'write @' + u32(s[o + 3]) + '=' + u32(s[o + 4]) : '-');
    }
    text += '\nprogram memory:';
    for (let ch = 0; ch < G.program_channels; ch++) {
      const o = L.program + ch * L.program_fields;
      text += ' ch' + ch + ' ' + (s[o] ? 'read @' + u32(s[o + 1]) : '-');
    }
    if (s[0]) text += '\nDONE';
    setText(chans, text);
    setText(utilNow, 'this cycle: ' + A.active[cyc] + ' active threads, ' + A.lsu[cyc] + ' LSUs busy, ' +
        A.channels[cyc] + ' data channels busy');
    for (const r of marked) { setText(r.who, ''); setClass(r.tr, 'pcrow', false); }
    marked = [];
    for (let c = 0; c < C; c++) {
      const r = listRows[running[c].pc];
      if (!running[c].run || !r) continue;
      setText(r.who, (r.who.textContent ? r.who.textContent + ' ' : '') + 'core' + c);
      setClass(r.tr, 'pcrow', true);
      marked.push(r);
    }
  };
}

// ---------------------------------------------------------------- systolic
const GLYPHS = ['.', 'o', 'w', '#'];
const GLYPH_COLORS = ['#f5f5f5', '#ffe082', '#bbdefb', '#81c784'];
const GLYPH_NAMES = ['empty', 'moving operand', 'stationary only', 'MAC'];
const PHASE_COLORS = ['#e0e0e0', '#90caf9', '#ffcc80', '#a5d6a7', '#ce93d8', '#b0bec5'];
function setupSystolic() {
  const R = META.rows, Cc = META.cols, P = R * Cc, L = D.layout, names = D.names;
  const df = META.dataflow || '', stationary = df !== 'os';
  $('title').textContent = 'Systolic array ' + R + ' x ' + Cc + ' ' + df + ': GEMM M=' + META.m + ' K=' + META.k + ' N=' + META.n;
  $('subtitle').textContent = (META.folds || '?') + ' folds of ' + (META.fold_length || '?') + ' cycles; ' +
      (META.engine || '') + ' engine; ' + N + ' cycles recorded';
  document.title = 'lockstep view: ' + R + 'x' + Cc + ' ' + df + ' GEMM';
  const cumulative = new Float64Array(N);
  let sum = 0;
  for (let i = 0; i < N; i++) { sum += A.active[i]; cumulative[i] = sum; }

  const st = section('This cycle', 'status-section');
  const status = el('div', { class: 'status mono', id: 'status' });
  const spans = {};
  const part = (label, id) => {
    status.appendChild(document.createTextNode(label));
    spans[id] = el('span', { class: 'v', id: id });
    status.appendChild(spans[id]);
  };
  part('state ', 'sa-state');
  part('  fold ', 'sa-fold');
  status.appendChild(document.createTextNode(' of ' + (META.folds || '?')));
  part(', cycle ', 'sa-t');
  status.appendChild(document.createTextNode(' of ' + (META.fold_length || '?')));
  part('  phase ', 'sa-phase');
  part('  active PEs ', 'sa-active');
  status.appendChild(document.createTextNode(' / ' + P));
  part('  utilisation so far ', 'sa-util');
  st.appendChild(status);

  const gs = section('PE grid', 'grid-section');
  legend(gs, GLYPHS.map((g, i) => [g + ' ' + GLYPH_NAMES[i], GLYPH_COLORS[i]]));
  const values = D.values;
  if (!values) {
    gs.appendChild(el('div', { class: 'note', id: 'glyphs-only' }, 'Activity glyphs only: ' + R + ' x ' + Cc + ' PEs x ' + N +
        ' cycles is more than ' + D.max_pe_values + ' PE-cycles, so operand and accumulator values are not stored in this page (lockstep step shows them).'));
  }
  let drawGrid;
  if (Cc <= 8) {
    if (values) {
      gs.appendChild(el('div', { class: 'hint' }, 'Each PE: activity glyph; h = operand from the left; v = ' +
          (stationary ? 'partial sum from above' : 'operand from above') + '; ' + (stationary ? 'w = stationary operand' : 'a = accumulator') + ' ("-": none).'));
    }
    const gwrap = el('div', { class: 'scroll' });
    gwrap.style.maxHeight = 'none';
    const grid = el('table', { class: 'grid', id: 'grid' });
    const hr = el('tr');
    hr.appendChild(el('th'));
    for (let j = 0; j < Cc; j++) hr.appendChild(el('th', null, 'col ' + j));
    grid.appendChild(hr);
    const cells = [];
    for (let i = 0; i < R; i++) {
      const tr = el('tr');
      tr.appendChild(el('th', null, 'row ' + i));
      for (let j = 0; j < Cc; j++) {
        const td = el('td', { id: 'pe' + i + '_' + j, class: 'g0' });
        const gl = el('div', { class: 'gl' }), vl = el('div', { class: 'vl' });
        td.appendChild(gl);
        if (values) td.appendChild(vl);
        tr.appendChild(td);
        cells.push({ td: td, gl: gl, vl: vl, g: -1 });
      }
      grid.appendChild(tr);
    }
    gwrap.appendChild(grid);
    gs.appendChild(gwrap);
    drawGrid = (s) => {
      for (let p = 0; p < P; p++) {
        const cell = cells[p], g = s[L.glyph + p];
        if (cell.g !== g) { cell.td.className = 'g' + g; cell.g = g; }
        setText(cell.gl, GLYPHS[g]);
        if (values) {
          const o = L.values + p * L.value_fields;
          const h = s[o] ? String(s[o + 1]) : '-', v = s[o + 2] ? String(s[o + 3]) : '-';
          const third = stationary ? 'w ' + (s[o + 4] ? String(s[o + 5]) : '-') : 'a ' + s[o + 6];
          setText(cell.vl, 'h ' + h + '\nv ' + v + '\n' + third);
        }
      }
    };
    for (const c of cells) c.vl.style.whiteSpace = 'pre';
  } else {
    const cell = Math.max(1, Math.min(24, Math.floor(Math.min(900 / Cc, 520 / R))));
    const canvas = el('canvas', { id: 'grid' });
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Cc * cell * dpr;
    canvas.height = R * cell * dpr;
    canvas.style.width = Cc * cell + 'px';
    canvas.style.height = R * cell + 'px';
    canvas.style.border = '1px solid #9e9e9e';
    canvas.style.imageRendering = 'pixelated';
    gs.appendChild(canvas);
    const info = el('div', { class: 'mono', id: 'pe-info' });
    gs.appendChild(info);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const gap = cell >= 6 ? 1 : 0;
    drawGrid = (s) => {
      for (let g = 0; g < 4; g++) {
        ctx.fillStyle = GLYPH_COLORS[g];
        for (let p = 0; p < P; p++) {
          if (s[L.glyph + p] !== g) continue;
          ctx.fillRect((p % Cc) * cell, Math.floor(p / Cc) * cell, cell - gap, cell - gap);
        }
      }
    };
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      const j = Math.floor((e.clientX - r.left) / cell), i = Math.floor((e.clientY - r.top) / cell);
      if (i < 0 || j < 0 || i >= R || j >= Cc) return;
      const p = i * Cc + j, s = S.state;
      let text = 'PE(' + i + ',' + j + '): ' + GLYPHS[s[L.glyph + p]] + ' ' + GLYPH_NAMES[s[L.glyph + p]];
      if (values) {
        const o = L.values + p * L.value_fields;
        text += '  h ' + (s[o] ? s[o + 1] : '-') + '  v ' + (s[o + 2] ? s[o + 3] : '-') + '  w ' + (s[o + 4] ? s[o + 5] : '-') + '  acc ' + s[o + 6];
      }
      setText(info, text);
    });
  }
  const ports = el('pre', { id: 'ports' });
  gs.appendChild(ports);
)VIEWPAGE",
R"VIEWPAGE(
  const us = section('Active PEs over time', 'util-section');
  new Chart(us, 120, (ctx, ch) => {
    const top = 6, h = 120 - 6 - 16 - 8;
    axisLabels(ctx, top, h, String(P), '0');
    plotLine(ctx, ch, columnMeans(ch, A.active, P), top, h, null, 'rgba(67,160,71,0.55)');
    // Phase strip under the chart, and fold boundaries when there is room.
    const counts = new Uint32Array(8);
    for (let px = 0; px < ch.plotW; px++) {
      const [a, b] = ch.bucket(px);
      counts.fill(0);
      for (let i = a; i < b && i < N; i++) counts[A.phase[i] & 7]++;
      let best = 0;
      for (let k = 1; k < 8; k++) if (counts[k] > counts[best]) best = k;
      ctx.fillStyle = PHASE_COLORS[best] || '#fff';
      ctx.fillRect(GUTTER + px, top + h + 2, 1, 6);
    }
    let boundaries = 0;
    for (let i = 1; i < N; i++) if (A.fold[i] !== A.fold[i - 1]) boundaries++;
    if (boundaries > 0 && boundaries < ch.plotW / 4) {
      ctx.fillStyle = 'rgba(0,0,0,0.25)';
      for (let i = 1; i < N; i++) if (A.fold[i] !== A.fold[i - 1]) ctx.fillRect(Math.round(GUTTER + i * ch.plotW / N), top, 1, h);
    }
    mismatchMark(ctx, ch, 120 - 14);
  });
  legend(us, [['active PEs', 'rgba(67,160,71,0.7)']].concat(names.phase.map((n, i) => ['phase ' + n, PHASE_COLORS[i]])));

  renderView = (cyc) => {
    const s = S.state;
    setText(spans['sa-state'], names.state[A.state[cyc]] || String(A.state[cyc]));
    setText(spans['sa-fold'], String(A.fold[cyc]));
    setText(spans['sa-t'], String(A.t[cyc]));
    setText(spans['sa-phase'], names.phase[A.phase[cyc]] || String(A.phase[cyc]));
    setText(spans['sa-active'], String(A.active[cyc]));
    setText(spans['sa-util'], (100 * cumulative[cyc] / (P * (cyc + 1))).toFixed(1) + '%');
    drawGrid(s);
    const list = (title, at, count, width) => {
      let text = '';
      for (let i = 0; i < count; i++) {
        const o = at + i * width;
        if (!s[o]) continue;
        text += ' ' + i + ':@' + (s[o + 1] >>> 0) + (width === 3 ? '=' + s[o + 2] : '');
      }
      return title + (text || ' -');
    };
    setText(ports, list('left reads:', L.left, R, 2) + '\n' + list('top reads:', L.top, Cc, 2) + '\n' + list('C writes:', L.out, Cc, 3));
  };
}

// ---------------------------------------------------------------- start
try {
  setupControls();
  renderSummary();
  if (D.kind === 'gpu') setupGpu(); else setupSystolic();
  for (const ch of charts) ch.draw();
  moveTo(0);
  timing.load_ms = performance.now();   // since the navigation began: reading, parsing, first draw
  setText($('timing'), JSON.stringify(timing));
  applyHash();
  window.addEventListener('hashchange', applyHash);
} catch (e) {
  lockstepReport('error: ' + (e && e.stack ? e.stack : e));
}
})();
</script>
</body>
</html>
)VIEWPAGE",
};

}  // namespace lockstep::view_page
