// The Monitor's views, by id (monitor.cpp lists which a device has). Each is (v, d) => {el, update()}:
// v the view's description ({id, section, data: [names]}), d the device (device.js: desc, get,
// units, meta, can).
import { t } from '../../../i18n.js';
import { atysStatus } from './atys-status.js';
import { dataTableView } from './data-table.js';
import { harmonics } from './harmonics.js';
import { loadCurrentsVoltages } from './load-currents-voltages.js';
import { loadEnergy } from './load-energy.js';
import { loadInputs } from './load-inputs.js';
import { loadPower } from './load-power.js';
import { loadSummary } from './load-summary.js';
import { networkSummary } from './network-summary.js';

export const VIEWS = {
  'network-summary': networkSummary,
  'network-quality': (v, d) => harmonics(v, d, t('monitor.thd_uv')),
  'load-summary': loadSummary,
  'load-currents-voltages': loadCurrentsVoltages,
  'load-power': loadPower,
  'load-energy': loadEnergy,
  'load-quality': (v, d) => harmonics(v, d, t('monitor.thd_i')),
  'load-inputs': loadInputs,
  'atys-status': atysStatus,
  'data-table': dataTableView,
};
