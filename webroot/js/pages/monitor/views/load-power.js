// Power: gauges of the totals; per phase and total P, Q, S, PF (cos phi: no displacement factor
// in the catalog) and tan phi = Q/P; the predicted powers.
import { h } from '../../../dom.js';
import { formatNumber, t } from '../../../i18n.js';
import { PHASES, card, dataTable, gauges, group, has, valueCell, view } from '../parts.js';

export function loadPower(v, d) {
  const g = gauges(d, v, ['IPSumInst', 'IQSumInst', 'ISSumInst']);
  const rows = [...PHASES.map((p) => ({ key: String(p), P: `IP${p}Inst`, Q: `IQ${p}Inst`, S: `IS${p}Inst`, PF: `IpF${p}Inst` })),
    { key: 'sum', P: 'IPSumInst', Q: 'IQSumInst', S: 'ISSumInst', PF: 'IpFSumInst' }]
    .filter((r) => ['P', 'Q', 'S', 'PF'].some((k) => has(v, r[k])));
  const cells = [];
  const body = rows.map((r) => {
    const tds = ['P', 'Q', 'S', 'PF'].map((k) => valueCell(d, v, r[k], cells));
    const tan = h('span.value', '—');
    cells.push({ update() {
      const p = d.get(r.P), q = d.get(r.Q);
      const ok = p.value !== null && q.value !== null && Math.abs(p.value) > 1e-9;
      tan.textContent = ok ? formatNumber(q.value / p.value, 3) : '—';
      tan.classList.toggle('stale', !ok || p.stale || q.stale);
    } });
    return h('tr', h('th', { scope: 'row' }, t('monitor.phase.' + r.key)), tds, h('td.num', tan));
  });
  const table = h('table.data', h('caption', t('monitor.table')),
    h('thead', h('tr', h('th', { scope: 'col' }, ''), ['P', 'Q', 'S', 'cos φ', 'tan φ'].map((c) => h('th.num', { scope: 'col' }, c)))), h('tbody', body));
  const extra = dataTable(d, v.data.filter((n) => n.startsWith('IPred')), t('monitor.predicted'));
  return view([...g, group(cells), extra],
    g.length ? card(t('monitor.power'), h('div.gauges', g.map((x) => x.el))) : null,
    rows.length ? card(null, table) : null, extra ? card(null, extra.el) : null);
}
