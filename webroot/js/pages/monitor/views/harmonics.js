// Network quality (THD of the voltages) and load quality (THD of the currents): one bar per data.
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { bars } from '../../../widgets/charts.js';
import { card, label, view } from '../parts.js';

export function harmonics(v, d, title) {
  const b = bars(v.data.map((n) => ({ name: n, label: label(d, n) })));
  return view([{ update: () => b.update(d.get) }],
    card(title, b.el, h('p.muted', t('monitor.harmonics_unavailable'))));
}
