// Network summary: the network type, the frequency, the vector diagram and the voltages.
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { phasor } from '../../../widgets/charts.js';
import { card, dataTable, has, valueSpan, view } from '../parts.js';

export function networkSummary(v, d) {
  const ph = phasor(t('monitor.vector_diagram'), false);
  const phase = { el: ph.el, update: () => ph.update(d.get) };
  const type = h('p.big', d.desc.network_type || '—');
  const freq = has(v, 'IFreqInst') ? valueSpan(d, 'IFreqInst') : null;
  const table = dataTable(d, v.data, t('monitor.voltages'));
  return view([phase, freq, table],
    card(t('monitor.network_type'), type, freq ? h('p', t('data.IFreqInst') + ' ', freq.el) : null),
    card(t('monitor.vector_diagram'), phase.el), table ? card(null, table.el) : null);
}
