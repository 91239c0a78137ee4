// Network quality: the THD of the voltages.
import { t } from '../../../i18n.js';
import { harmonics } from './harmonics.js';

export default function networkQuality(v, d) {
  return harmonics(v, d, t('monitor.thd_uv'));
}
