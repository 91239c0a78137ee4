// The building blocks of the Monitor's views. Each live part is {el, update()}: update() reads
// the device's latest values (d.get(name): live.js's named fields) and changes the DOM in place.
import { h } from '../../dom.js';
import { formatDateTime, t } from '../../i18n.js';
import { dataLabel, formatValue, qualityText } from '../../format.js';
import { gauge } from '../../widgets/charts.js';

export const PHASES = [1, 2, 3];

// The view's description lists the data it shows.
export const has = (v, name) => v.data.includes(name);

export function label(d, name) {
  return dataLabel(name, d.meta.get(name)?.description);
}

// A stale value is never shown as live; one never received is marked too.
export function markValue(el, x) {
  el.classList.toggle('stale', !!x.stale);
  el.classList.toggle('nodata', x.value === null);
}

// A value that follows the live table: text, stale marking and a tooltip with quality and time.
export function valueSpan(d, name) {
  const el = h('span.value', { 'data-name': name }, '—');
  return {
    el,
    update() {
      const x = d.get(name);
      el.textContent = formatValue(x.value, d.units.get(name) ?? '');
      markValue(el, x);
      el.dataset.quality = x.quality;
      el.title = x.value === null ? t('monitor.never_received')
        : `${qualityText(x.quality)} · ${formatDateTime(x.ts)}${x.stale ? ' · ' + t('monitor.stale') : ''}`;
    },
  };
}

// A table cell with the value of `name`, its part added to `cells`; a dash when the view has no
// such data.
export function valueCell(d, v, name, cells) {
  if (!has(v, name)) return h('td.num', '—');
  const s = valueSpan(d, name);
  cells.push(s);
  return h('td.num', s.el);
}

export function group(parts) {
  return { el: null, update() { for (const p of parts) p.update(); } };
}

// A table of data: one row per name present (label, value, unit kept in the value).
export function dataTable(d, names, caption) {
  const cells = [];
  const rows = names.filter((n) => d.meta.has(n)).map((n) => {
    const v = valueSpan(d, n);
    cells.push(v);
    return h('tr', h('th', { scope: 'row' }, label(d, n)), h('td.num', v.el));
  });
  if (!rows.length) return null;
  const el = h('table.data', caption ? h('caption', caption) : null,
    h('thead', h('tr', h('th', { scope: 'col' }, t('monitor.col.data')), h('th.num', { scope: 'col' }, t('monitor.col.value')))), h('tbody', rows));
  return { el, update: group(cells).update };
}

export function card(title, ...children) {
  return h('div.card', title ? h('h2', title) : null, ...children);
}

// A view: its live parts (null ones skipped) and its layout of cards.
export function view(parts, ...layout) {
  return { el: h('div.view-grid', ...layout), update: group(parts.filter(Boolean)).update };
}

// One gauge per name the view has.
export function gauges(d, v, names) {
  return names.filter((n) => has(v, n)).map((n) => {
    const g = gauge(label(d, n), d.units.get(n) ?? '');
    return { el: g.el, update: () => { const x = d.get(n); g.update(x.value, x.stale); } };
  });
}
