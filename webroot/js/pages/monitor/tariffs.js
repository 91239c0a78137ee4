// Ea+ per tariff period (IEaPTariffNInst): value, share of the sum, and the period in progress
// (ITariffInProgress) marked.
import { h } from '../../dom.js';
import { formatNumber, t } from '../../i18n.js';
import { valueSpan } from './parts.js';

export function tariffTable(d, names) {
  const rows = names.map((name) => {
    const n = Number(/(\d+)/.exec(name)[1]);
    const span = valueSpan(d, name);
    const share = h('span.share-pct');
    const bar = h('span.share-bar');
    return { n, name, span, share, bar, row: h('tr', { 'data-tariff': n }, h('th', { scope: 'row' }, t('monitor.tariff', { n })), h('td.num', span.el), h('td', h('div.share', bar, share))) };
  });
  const el = h('table.data.tariffs', h('caption', t('monitor.tariffs_caption')),
    h('thead', h('tr', h('th', { scope: 'col' }, ''), h('th.num', { scope: 'col' }, t('monitor.energy.EaP')), h('th', { scope: 'col' }, t('monitor.tariff_share')))),
    h('tbody', rows.map((r) => r.row)));
  return {
    el,
    update() {
      const now = d.get('ITariffInProgress');
      const values = rows.map((r) => d.get(r.name).value);
      const total = values.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0);
      rows.forEach((r, i) => {
        r.span.update();
        const v = values[i];
        const pct = total > 0 && Number.isFinite(v) ? (100 * v) / total : null;
        r.share.textContent = pct == null ? '—' : formatNumber(pct, 1) + ' %';
        r.bar.style.width = pct == null ? '0' : pct.toFixed(1) + '%';
        const active = !now.stale && now.value === r.n;
        r.row.classList.toggle('current', active);
        r.row.title = active ? t('monitor.tariff_current') : '';
      });
    },
  };
}
