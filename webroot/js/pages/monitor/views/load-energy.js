// Energy: Ea+, Ea-, Er+, Er-, Es, total and, where the device has them, the partial meters; then
// Ea+ on tariff periods and the partial energy reset for the profiles that declare it (manual §4,
// Advanced user and Admin).
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { card, group, has, valueCell, view } from '../parts.js';
import { resetControl } from '../reset.js';
import { tariffTable } from '../tariffs.js';

const KINDS = ['EaP', 'EaN', 'ErP', 'ErN', 'Es'];

export function loadEnergy(v, d) {
  const partial = KINDS.some((k) => has(v, `I${k}PartialInst`));
  const cells = [];
  const rows = KINDS.filter((k) => has(v, `I${k}Inst`) || has(v, `I${k}PartialInst`)).map((k) =>
    h('tr', h('th', { scope: 'row' }, t('monitor.energy.' + k)), valueCell(d, v, `I${k}Inst`, cells),
      partial ? valueCell(d, v, `I${k}PartialInst`, cells) : null));
  const table = h('table.data.energy', h('caption', t('monitor.energy_table')),
    h('thead', h('tr', h('th', { scope: 'col' }, ''), h('th.num', { scope: 'col' }, t('monitor.energy.total')),
      partial ? h('th.num', { scope: 'col' }, t('monitor.energy.partial')) : null)), h('tbody', rows));
  const parts = [group(cells)];
  const tariffs = v.data.filter((n) => /^IEaPTariff\d+Inst$/.test(n));
  let tariffCard = null;
  if (tariffs.length) {
    const tt = tariffTable(d, tariffs);
    parts.push(tt);
    tariffCard = card(null, tt.el);
  }
  const resetCard = partial && d.desc.commands?.includes('partial_energy_reset') && d.can('partial_energy_reset')
    ? card(t('monitor.partial_reset'), resetControl(d)) : null;
  return view(parts, card(null, table), tariffCard, resetCard);
}
