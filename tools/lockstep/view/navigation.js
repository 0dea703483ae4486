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
// URL options after '#', joined by '&' (the browser tests use them): cycle=N goes to cycle N,
// click=ID,ID clicks those buttons, keys=KEY,KEY sends those keydowns (Shift+KEY with Shift).
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
