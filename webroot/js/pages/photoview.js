// Photoview (manual §7.4, §8.6): pages of live measurements on a picture. Every profile views
// them as tabs; a click on a device opens its Monitor, a link opens its page. The Admin also
// creates, edits (photoview/editor.js) and deletes pages. docs/api.md "Photoview".
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { drawStage } from './photoview/stage.js';
import { feedStage } from './photoview/values.js';
import { pages as pageCalls } from './photoview/http.js';

function useStyles() {
  if (document.querySelector('link[data-photoview]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: 'css/photoview.css', 'data-photoview': '' }));
}

export async function render(main, { session, params, navigate, can }) {
  useStyles();
  const admin = can('configuration');
  const calls = pageCalls(session.csrf_token);
  const root = h('div.content.photoview');
  main.append(root);
  let stop = null;
  const close = () => { stop?.(); stop = null; };

  let data;
  let catalog;
  try {
    [data, catalog] = await Promise.all([api.get('/photoview'), api.get('/catalog')]);
  } catch {
    root.append(h('p.error', { role: 'alert' }, t('error.load_failed')));
    return close;
  }
  catalog = new Map(catalog.catalog.map((c) => [c.name, c]));
  const pages = data.pages;
  const current = pages.find((p) => String(p.id) === params.page) || pages[0] || null;
  const byId = new Map(pages.map((p) => [p.id, p]));

  const message = h('p.pv-message', { role: 'status' });
  const tabs = h('div.pv-tabs', { role: 'tablist', 'aria-label': t('page.photoview') }, pages.map((p) =>
    h('button.pv-tab', { type: 'button', role: 'tab', 'aria-selected': String(p === current), 'data-page': String(p.id),
      onclick: () => navigate('photoview', { page: p.id }) }, icon(p.symbol && ICONS.has(p.symbol) ? p.symbol : 'photo'), h('span', p.name))));
  const tools = admin ? h('div.pv-admin',
    h('button.btn', { type: 'button', id: 'pv-new', disabled: pages.length >= data.max_pages, onclick: createPage }, t('photoview.new_page')),
    current ? h('button.btn.primary', { type: 'button', id: 'pv-edit', onclick: () => edit(current) }, t('photoview.edit')) : null,
    current ? h('button.btn', { type: 'button', id: 'pv-delete', onclick: () => removePage(current) }, t('photoview.delete_page')) : null) : null;
  const frame = h('div.pv-frame');
  root.append(h('div.pv-head', tabs, tools), message, frame);

  function view(page) {
    close();
    clear(frame);
    if (!page) {
      frame.append(h('div.empty', h('h1', t('page.photoview')), h('p', t(admin ? 'photoview.none_admin' : 'photoview.none'))));
      return;
    }
    const stage = drawStage(page, {
      catalog,
      openDevice: (source, circuit) => navigate('monitor', circuit ? { source, circuit } : { source }),
      openPage: (id) => navigate('photoview', { page: id }),
      pageExists: (id) => byId.has(id),
      pageName: (id) => byId.get(id)?.name || '',
    });
    frame.append(stage.el);
    stop = feedStage(stage, (state) => frame.classList.toggle('pv-offline', state !== 'live'));
  }

  async function createPage() {
    const name = prompt(t('photoview.page_name'));
    if (!name) return;
    try {
      const page = await calls.create(name.trim(), 'photo');
      navigate('photoview', { page: page.id, edit: 1 });
    } catch (err) { message.textContent = err.message; }
  }

  async function removePage(page) {
    if (!confirm(t('photoview.confirm_delete', { name: page.name }))) return;
    try {
      await calls.remove(page.id);
      navigate('photoview', {});
    } catch (err) { message.textContent = err.message; }
  }

  async function edit(page) {
    close();
    const { openEditor } = await import('./photoview/editor.js');
    clear(frame);
    stop = openEditor(frame, { page, pages, catalog, calls, message,
      done: (saved) => navigate('photoview', { page: (saved || page).id, t: Date.now() }) });
  }

  if (admin && current && params.edit) edit(current);
  else view(current);
  return close;
}

const ICONS = new Set(['photo', 'home', 'monitor', 'consumption', 'trends', 'alarm', 'config']);
