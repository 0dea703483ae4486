// ---------------------------------------------------------------- GPU
// Core-state timeline and utilisation chart over the run; cores, tensor cores, threads, channels and listing at the cycle.
const STATE_COLORS = ['#e0e0e0', '#ffb74d', '#ba68c8', '#4fc3f7', '#e57373', '#66bb6a', '#26a69a', '#90a4ae'];
function setupGpu() {
  const G = META.gpu, L = D.layout, names = D.names;
  // One row per warp context x = w * cores + c (one warp a core without a warps: section).
  const W = (G.warps && G.warps.count) || 1, C = G.cores * W, T = G.threads_per_block, RO = L.read_only;
  const who = (x) => (W > 1 ? 'core' + (x % G.cores) + '.warp' + Math.floor(x / G.cores) : 'core' + x);
  const TC = G.tensor_core || null;                 // each core's tensor core, if the GPU has them
  const DC = G.data_channels + (TC ? C : 0);        // the controller's data channels, then the tile ports
  $('title').textContent = 'GPU trace: ' + (META.program || '');
  $('subtitle').textContent = plural(G.cores, 'core') + (W > 1 ? ' of ' + plural(W, 'warp') + ' (' + G.warps.scheduler + ')' : '') +
      ' x ' + plural(T, 'thread') + ', ' + plural(G.data_channels, 'data channel') +
      ', ' + plural(G.program_channels, 'program channel') +
      (TC ? ', a ' + TC.rows + 'x' + TC.cols + ' ' + TC.dataflow + ' tensor core per core' : '') + '; ' + (META.engine || '') + ' engine; ' +
      (META.cycles !== undefined ? plural(META.cycles, 'cycle') + ', ' : '') + 'numbered 0..' + LAST;
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
        ctx.fillText(who(c), 4, y + rowH / 2);
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
    if (TC) plotLine(ctx, ch, columnMeans(ch, A.tc_macs, tcPes), top, h, '#8e24aa');
    mismatchMark(ctx, ch, 110 - 14);
  });
  const tcPes = TC ? C * TC.rows * TC.cols : 0;
  legend(us, [['active threads / ' + slots, 'rgba(102,187,106,0.6)'], ['LSU busy / ' + slots, '#1e88e5'],
              ['data channels busy / ' + G.data_channels, '#e53935']].concat(
              TC ? [['tensor-core PEs multiplying / ' + tcPes, '#8e24aa']] : []));
  const utilNow = el('div', { class: 'mono', id: 'util-now' });
  us.appendChild(utilNow);

  // Cores now.
  const cs = section('Cores at this cycle', 'cores-section');
  const cores = el('table', { id: 'cores' });
  const head = el('tr');
  const coreCols = ['state', 'pc', 'instr', 'fetcher', 'block', 'threads', 'stall', 'flags'].concat(TC ? ['tensor'] : []);
  for (const h of ['core', 'state', 'pc', 'instruction', 'fetcher', 'block', 'threads', 'stall reason', 'flags'].concat(TC ? ['tensor core'] : [])) {
    head.appendChild(el('th', { class: 'l' }, h));
  }
  cores.appendChild(head);
  const coreCells = [];
  for (let c = 0; c < C; c++) {
    const tr = el('tr');
    const cells = {};
    tr.appendChild(el('td', { class: 'l' }, who(c)));
    for (const k of coreCols) {
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

  const tensorNow = TC ? setupTensorCores(TC, C, L.tensor, L.tensor_fields, names) : null;

  // Data memory now: the initial image plus every write that has landed by this cycle.
  const mem = D.memory ? setupMemory(D.memory) : null;

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
      running.push({ start: start, run: run, threads: s[o + 8], pc: s[o + 2], active: s[o + 10] >>> 0 });
      const cells = coreCells[c];
      setText(cells.state, names.state[st] || String(st));
      cells.state.style.background = STATE_COLORS[st] || '#fff';
      setText(cells.pc, String(s[o + 2]));
      const decoded = run && st !== 1;
      setText(cells.instr, decoded ? (D.instructions[String(s[o + 3] & 0xffff)] || '?') : '');
      setText(cells.fetcher, names.fetcher[s[o + 1]] || String(s[o + 1]));
      setText(cells.block, String(s[o + 7] >>> 0));
      setText(cells.threads, String(s[o + 8]));
      setText(cells.stall, run ? (names.stall[s[o + 9]] || '?') : '');
      const lanes = run && s[o + 11] > 1 ? 'lanes ' + (s[o + 10] >>> 0).toString(2).padStart(s[o + 8], '0') +
                                           ' stack ' + s[o + 11] + ' ' : '';
      setText(cells.flags, (start ? '' : 'no block ') + (reset ? 'reset ' : '') + lanes + (s[o + 6] ? 'DIVERGED' : ''));
      if (tensorNow) setText(cells.tensor, tensorNow(c, s));
    }
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < T; t++) {
        const row = rows[c * T + t];
        // A lane left out by a divergent branch is greyed like a disabled slot.
        const on = running[c].start && t < running[c].threads && ((running[c].active >>> t) & 1) === 1;
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
    for (let ch = 0; ch < DC; ch++) {
      const o = L.data + ch * L.data_fields;
      text += (ch < G.data_channels ? ' ch' + ch : ' tile' + (ch - G.data_channels)) + ' ' + (s[o] ? 'read @' + u32(s[o + 1]) : s[o + 2] ? 'write @' + u32(s[o + 3]) + '=' + u32(s[o + 4]) : '-');
    }
    text += '\nprogram memory:';
    for (let ch = 0; ch < G.program_channels; ch++) {
      const o = L.program + ch * L.program_fields;
      text += ' ch' + ch + ' ' + (s[o] ? 'read @' + u32(s[o + 1]) : '-');
    }
    if (s[0]) text += '\nDONE';
    setText(chans, text);
    if (mem) {
      const requested = new Set();
      for (let ch = 0; ch < DC; ch++) {
        const o = L.data + ch * L.data_fields;
        if (s[o + 2]) requested.add(s[o + 3] >>> 0);
      }
      mem(cyc, requested);
    }
    setText(utilNow, 'this cycle: ' + plural(A.active[cyc], 'active thread') + ', ' + plural(A.lsu[cyc], 'LSU') + ' busy, ' +
        plural(A.channels[cyc], 'data channel') + ' busy' + (TC ? ', ' + plural(A.tc_macs[cyc], 'tensor-core PE') + ' multiplying' : ''));
    for (const r of marked) { setText(r.who, ''); setClass(r.tr, 'pcrow', false); }
    marked = [];
    for (let c = 0; c < C; c++) {
      const r = listRows[running[c].pc];
      if (!running[c].run || !r) continue;
      setText(r.who, (r.who.textContent ? r.who.textContent + ' ' : '') + who(c));
      setClass(r.tr, 'pcrow', true);
      marked.push(r);
    }
  };
}

// The tensor-core panel: per core its state and its PE grid (each PE's accumulator, coloured
// by activity as the array's grid: multiplied at the edge into this cycle green). Returns the
// function that draws core c at the current cycle's fields `s` and gives its one-line state.
function setupTensorCores(TC, C, at, fields, names) {
  const sec = section('Tensor cores at this cycle (each PE: its accumulator; green: multiplied at the edge into ' +
                      'this cycle, yellow: holds a moving operand, blue: only its stationary one)', 'tensor-section');
  const box = el('div', { class: 'cols' });
  const cores = [];
  for (let c = 0; c < C; c++) {
    const div = el('div');
    const caption = el('div', { class: 'mono', id: 'tc' + c + '-state' });
    div.appendChild(caption);
    const table = el('table', { class: 'grid tcgrid', id: 'tc' + c + '-grid' });
    const cells = [];
    for (let i = 0; i < TC.rows; i++) {
      const tr = el('tr');
      for (let j = 0; j < TC.cols; j++) {
        const td = el('td', { id: 'tc' + c + '-pe' + i + '-' + j, class: 'g0' });
        tr.appendChild(td);
        cells.push(td);
      }
      table.appendChild(tr);
    }
    div.appendChild(table);
    box.appendChild(div);
    cores.push({ caption: caption, cells: cells });
  }
  sec.appendChild(box);
  return (c, s) => {
    const o = at + c * fields, st = s[o], op = names.tc_op[s[o + 1]] || '?';
    const stName = names.tc_state[st] || String(st);
    let text = stName;
    if (st === 2 || st === 3) text += ' ' + op + ' word ' + s[o + 5] + ',' + s[o + 6];
    else if (st === 4) text += ' ' + op + ' t=' + s[o + 4];
    else if (st === 6) text += ' ' + op + ': ' + (names.tc_fault[s[o + 2]] || '?') + ' (thread ' + s[o + 3] + ')';
    else if (st !== 0) text += ' ' + op;
    let macs = 0;
    const cells = cores[c].cells;
    for (let p = 0; p < cells.length; p++) {
      const g = s[o + 9 + 2 * p];
      macs += g === 3;
      const cls = 'g' + g;
      if (cells[p].className !== cls) cells[p].className = cls;
      setText(cells[p], String(s[o + 10 + 2 * p]));
    }
    setText(cores[c].caption, 'core' + c + ': ' + text + ', ' + plural(macs, 'PE') + ' multiplied');
    return text;
  };
}

// The data memory panel: a table of the words the run uses, rows of 8; returns the function
// that shows cycle `cyc` (words landed at the edge into it highlighted, words a channel is
// asked to write during it outlined).
function setupMemory(M) {
  const sec = section('Data memory at this cycle (written at the edge into this cycle: highlighted; ' +
                      'being written during it: outlined)', 'memory-section');
  const signedBox = el('input', { type: 'checkbox', id: 'mem-signed' });
  const lab = el('label', { class: 'mono' });
  lab.appendChild(signedBox);
  lab.appendChild(document.createTextNode(' signed (' + M.width + '-bit)'));
  sec.appendChild(lab);
  const table = el('table', { id: 'memory' });
  const head = el('tr');
  head.appendChild(el('th', null, 'addr'));
  for (let i = 0; i < 8; i++) head.appendChild(el('th', null, '+' + i));
  table.appendChild(head);
  const cells = [];
  for (let row = 0; row < M.words; row += 8) {
    const tr = el('tr');
    tr.appendChild(el('th', null, String(row)));
    for (let a = row; a < row + 8 && a < M.words; a++) {
      const td = el('td', { id: 'mem-' + a });
      tr.appendChild(td);
      cells.push(td);
    }
    table.appendChild(tr);
  }
  sec.appendChild(table);
  const wc = typed(M.writes.cycle), wa = typed(M.writes.address), wv = typed(M.writes.value);
  const words = new Uint32Array(M.words);
  const text = (v) => (signedBox.checked && M.width < 32 && (v >>> (M.width - 1)) & 1) ? String(v - 2 ** M.width) : String(v);
  let last = { cyc: 0, requested: new Set() };
  const show = (cyc, requested) => {
    last = { cyc: cyc, requested: requested };
    for (let a = 0; a < M.words; a++) words[a] = M.initial[a];
    const landed = new Set();
    for (let i = 0; i < wc.length && wc[i] <= cyc; i++) {
      if (wa[i] < M.words) words[wa[i]] = wv[i];
      if (wc[i] === cyc) landed.add(wa[i]);
    }
    for (let a = 0; a < M.words; a++) {
      setText(cells[a], text(words[a]));
      setClass(cells[a], 'chg', landed.has(a));
      setClass(cells[a], 'wreq', requested.has(a));
    }
  };
  signedBox.addEventListener('change', () => show(last.cyc, last.requested));
  return show;
}
