// The home page (manual §7.1): the Monitor section (Monitor, Alarms and events, Photoview), the
// Analysis section (Consumption, Trends) and, for the Admin, the configuration.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

export function renderHome(main, { can, pages }) {
  const section = (id) => {
    const tiles = pages.filter((p) => p.section === id && can(p.permission)).map((p) =>
      h('a.tile', { href: `#/${p.id}`, 'data-page': p.id },
        icon(p.icon), h('strong', t('page.' + p.id)), h('span', t('page.' + p.id + '.about'))));
    return tiles.length ? h('section.home-section', h('h2', t('home.' + id)), h('div.tiles', tiles)) : null;
  };
  main.append(h('div.home', h('h1.visually-hidden', t('page.home')),
    section('monitor'), section('analysis'), section('config')));
}
