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
// "1 core", "2 cores", "3 launches", as common/plural.h writes them.
function plural(n, noun) { return n + ' ' + noun + (n === 1 ? '' : /(s|x|ch|sh)$/.test(noun) ? 'es' : 's'); }
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
