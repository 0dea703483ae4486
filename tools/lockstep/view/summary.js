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
  row('cycles shown', '0..' + LAST + ' (' + N + ' records)');
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
