// The functions later issues deliver (Alarms and events, Photoview, Consumption, Trends,
// configuration): the shell, the perimeter when the function has one, and a notice.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { Perimeter } from '../perimeter.js';

export function render(main, { page }) {
  const notice = h('section.placeholder', h('h1', t('page.' + page.id)), h('p', t('page.' + page.id + '.about')),
    h('p.muted', t('placeholder.later')));
  if (!page.perimeter) {
    main.append(h('div.content', notice));
    return null;
  }
  const perimeter = new Perimeter({ views: page.perimeter.views, period: page.perimeter.period, onSelect: () => {} });
  main.append(h('div.workspace', perimeter.el, h('div.content', perimeter.toggleButton, notice)));
  perimeter.load();
  return () => perimeter.destroy();
}
