// Currents and voltages: one gauge per phase (phase-to-neutral voltages, else phase-to-phase),
// then every data in a table.
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { PHASES, card, dataTable, gauges, has, view } from '../parts.js';

export function loadCurrentsVoltages(v, d) {
  const ig = gauges(d, v, ['II1Inst', 'II2Inst', 'II3Inst', 'IInInst']);
  const vnames = PHASES.some((p) => has(v, `IV${p}Inst`)) ? ['IV1Inst', 'IV2Inst', 'IV3Inst'] : ['IU12Inst', 'IU23Inst', 'IU31Inst'];
  const vg = gauges(d, v, vnames);
  const table = dataTable(d, v.data, t('monitor.table'));
  return view([...ig, ...vg, table],
    ig.length ? card(t('monitor.currents'), h('div.gauges', ig.map((g) => g.el))) : null,
    vg.length ? card(t('monitor.voltages'), h('div.gauges', vg.map((g) => g.el))) : null,
    table ? card(null, table.el) : null);
}
