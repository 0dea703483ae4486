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
    const step = tickStep(LAST, Math.max(2, Math.min(10, Math.floor(this.plotW / 90))));
    ctx.fillStyle = '#757575';
    ctx.font = '10px ui-monospace, monospace';
    ctx.textBaseline = 'bottom';
    const ticks = [];
    for (let c = 0; c < LAST; c += step) if (this.x(LAST) - this.x(c) >= 40) ticks.push(c);
    ticks.push(LAST);                                             // the axis names the last cycle
    for (const c of ticks) {
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
// Ticks at 1-2-5 steps (as the SVG pictures have them): at most `most` up to `last`.
function tickStep(last, most) {
  for (let scale = 1; ; scale *= 10) {
    for (const m of [1, 2, 5]) if (Math.floor(last / (m * scale)) < most) return m * scale;
  }
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
