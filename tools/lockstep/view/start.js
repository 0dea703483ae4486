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
