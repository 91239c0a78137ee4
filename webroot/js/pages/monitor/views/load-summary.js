// Load summary: the vector diagram, the four-quadrant power and the main load data.
import { t } from '../../../i18n.js';
import { phasor, quadrant } from '../../../widgets/charts.js';
import { card, dataTable, has, view } from '../parts.js';

export function loadSummary(v, d) {
  const parts = [];
  const blocks = [];
  if (['II1Inst', 'II2Inst', 'II3Inst'].some((n) => has(v, n))) {
    const ph = phasor(t('monitor.vector_diagram'), true);
    parts.push({ update: () => ph.update(d.get) });
    blocks.push(card(t('monitor.vector_diagram'), ph.el));
  }
  if (has(v, 'IPSumInst') && has(v, 'IQSumInst')) {
    const qd = quadrant(t('monitor.four_quadrant'));
    parts.push({ update: () => { const p = d.get('IPSumInst'), q = d.get('IQSumInst'), s = d.get('ISSumInst'); qd.update(p.value, q.value, s.value, p.stale || q.stale); } });
    blocks.push(card(t('monitor.four_quadrant'), qd.el));
  }
  const table = dataTable(d, ['IPSumInst', 'IQSumInst', 'ISSumInst', 'IpFSumInst', 'II1Inst', 'II2Inst', 'II3Inst', 'IInInst'].filter((n) => has(v, n)), t('monitor.load_type', { type: d.desc.network_type || '—' }));
  return view([...parts, table], ...blocks, table ? card(null, table.el) : null);
}
