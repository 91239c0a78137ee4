// The notice a configuration tab shows until its editor lands (issue 15).
import { h } from '../../dom.js';
import { t } from '../../i18n.js';

export function notYet(container, id) {
  container.append(h('section.placeholder', { dataset: { tab: id } }, h('h2', t('config.tab.' + id)), h('p.muted', t('config.not_yet'))));
  return null;
}
