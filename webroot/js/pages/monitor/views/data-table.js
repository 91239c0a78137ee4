// Every data of the device (non-SOCOMEC devices, or when nothing else fits): label, description,
// value, quality and time.
import { h } from '../../../dom.js';
import { formatTime, t } from '../../../i18n.js';
import { qualityText } from '../../../format.js';
import { card, group, label, valueSpan, view } from '../parts.js';

export function dataTableView(v, d) {
  const cells = [];
  const rows = v.data.map((n) => {
    const s = valueSpan(d, n);
    const q = h('td.quality');
    const time = h('td.num');
    cells.push(s, { update() { const x = d.get(n); q.textContent = qualityText(x.quality); time.textContent = x.ts ? formatTime(x.ts) : '—'; } });
    return h('tr', h('th', { scope: 'row' }, label(d, n)), h('td.muted', d.meta.get(n)?.description ?? ''), h('td.num', s.el), q, time);
  });
  const table = h('table.data.full', h('caption', t('monitor.view.data-table')),
    h('thead', h('tr', ['col.data', 'col.description', 'col.value', 'col.quality', 'col.time'].map((k) => h('th', { scope: 'col' }, t('monitor.' + k))))),
    h('tbody', rows));
  return view([group(cells)], card(null, table));
}
