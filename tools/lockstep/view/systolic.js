// ---------------------------------------------------------------- systolic
// Fold, phase and PE grid at the cycle (a table up to 8 columns, else a canvas); active PEs over the run.
const GLYPHS = ['.', 'o', 'w', '#'];
const GLYPH_COLORS = ['#f5f5f5', '#ffe082', '#bbdefb', '#81c784'];
const GLYPH_NAMES = ['empty', 'moving operand', 'stationary only', 'MAC'];
const PHASE_COLORS = ['#e0e0e0', '#90caf9', '#ffcc80', '#a5d6a7', '#ce93d8', '#b0bec5'];
function setupSystolic() {
  const R = META.rows, Cc = META.cols, P = R * Cc, L = D.layout, names = D.names;
  const df = META.dataflow || '', stationary = df !== 'os';
  $('title').textContent = 'Systolic array ' + R + ' x ' + Cc + ' ' + df + ': GEMM M=' + META.m + ' K=' + META.k + ' N=' + META.n;
  $('subtitle').textContent = (META.folds ? plural(META.folds, 'fold') : '? folds') + ' of ' +
      (META.fold_length ? plural(META.fold_length, 'cycle') : '? cycles') + '; ' + (META.engine || '') + ' engine; ' +
      (META.cycles !== undefined ? plural(META.cycles, 'cycle') + (META.drain_cycles ? ' + ' + META.drain_cycles + ' drain' : '') + ', ' : '') +
      'numbered 0..' + LAST;
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
