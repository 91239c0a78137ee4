// Configuration (manual §8, Admin): the site document edited in the browser, one tab per part
// (the hash param `tab`: #/config?tab=circuits). Each tab is a module pages/config/<id>.js,
// imported on first use, exporting render(container, ctx) that may return a cleanup function.
// ctx: {session, can, navigate, params (the hash params), doc (config_doc.js: load, save,
// validate, edit, showErrors...), setParams(params) (the tab's own hash params), setDirty(bool)
// (unsaved changes: the shell asks before leaving the tab)}.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import * as doc from '../config_doc.js';

export const TABS = [
  { id: 'sources', load: () => import('./config/sources.js') },
  { id: 'circuits', load: () => import('./config/circuits.js') },
  { id: 'data', load: () => import('./config/data.js') },
  { id: 'models', load: () => import('./config/models.js') },
  { id: 'custom-data', load: () => import('./config/custom-data.js') },
  { id: 'hierarchies', load: () => import('./config/hierarchies.js') },
  { id: 'alarm-rules', load: () => import('./config/alarm-rules.js') },
  { id: 'backup', load: () => import('./config/backup.js') },
];

export function render(main, { session, params, navigate, can }) {
  if (!document.querySelector('link[data-config]')) document.head.append(h('link', { rel: 'stylesheet', href: 'css/config.css', 'data-config': '' }));
  let current = null; // {id, cleanup}
  let dirty = false;
  let opening = 0; // the latest select() wins when tab clicks overlap
  const tabs = h('div.tabs', { role: 'tablist', 'aria-label': t('page.config') });
  const panel = h('section.config-panel', { role: 'tabpanel', id: 'config-panel' });
  const buttons = TABS.map((tab) => h('button.tab', {
    type: 'button', role: 'tab', id: 'config-tab-' + tab.id, 'data-tab': tab.id, 'aria-controls': 'config-panel',
    onclick: () => select(tab.id, {}),
  }, t('config.tab.' + tab.id)));
  tabs.append(...buttons);
  main.append(h('div.content.config', h('h1', t('page.config')), tabs, panel));

  const address = (id, own) => history.replaceState(null, '', '#/config?' + new URLSearchParams({ tab: id, ...own }));

  function leave() {
    current?.cleanup?.();
    current = null;
    dirty = false;
  }

  async function select(id, own) {
    if (current?.id === id) return;
    if (dirty && !window.confirm(t('config.unsaved'))) return;
    const tab = TABS.find((x) => x.id === id) || TABS[0];
    leave();
    const token = ++opening;
    address(tab.id, own);
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === tab.id));
    panel.setAttribute('aria-labelledby', 'config-tab-' + tab.id);
    clear(panel).append(h('p.muted', t('config.loading')));
    let mod;
    try {
      mod = await tab.load();
    } catch {
      if (token === opening) clear(panel).append(h('p.error', { role: 'alert' }, t('error.load_failed')));
      return;
    }
    if (token !== opening) return;
    clear(panel);
    const ctx = {
      session, can, navigate, doc, params: { ...own },
      setParams: (p) => address(tab.id, p),
      setDirty: (d) => { dirty = !!d; },
    };
    current = { id: tab.id, cleanup: null };
    let cleanup = null;
    try {
      cleanup = await mod.render(panel, ctx);
    } catch (e) {
      if (token === opening) clear(panel).append(h('p.error', { role: 'alert' }, e?.message || t('error.load_failed')));
    }
    if (token !== opening) cleanup?.();
    else current.cleanup = cleanup || null;
  }

  const { tab, ...own } = params;
  select(TABS.some((x) => x.id === tab) ? tab : TABS[0].id, own);
  const beforeUnload = (e) => { if (dirty) e.preventDefault(); };
  window.addEventListener('beforeunload', beforeUnload);
  return () => {
    opening++;
    window.removeEventListener('beforeunload', beforeUnload);
    leave();
  };
}
