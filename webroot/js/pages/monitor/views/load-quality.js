// Load quality: the THD of the currents.
import { t } from '../../../i18n.js';
import { harmonics } from './harmonics.js';

export default function loadQuality(v, d) {
  return harmonics(v, d, t('monitor.thd_i'));
}
