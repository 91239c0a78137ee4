// Inputs: the device's inputs (temperatures, pulses...) in a table.
import { t } from '../../../i18n.js';
import { card, dataTable, view } from '../parts.js';

export function loadInputs(v, d) {
  const table = dataTable(d, v.data, t('monitor.view.load-inputs'));
  return view([table], card(null, table.el));
}
