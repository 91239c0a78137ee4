// The favourites of the Trends page (manual §6.4, §7.6): a name and a title for the current
// selection, saved on the server (shared by the site's profiles; who may replace or delete one:
// docs/api.md), listed, applied and deleted.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { favourites } from '../../history.js';

// snapshot(): the selection to save; apply(selection): shows a favourite's selection
export function favouritesPanel({ snapshot, apply }) {
  const list = h('ul.trends-favourites');
  const status = h('p.status', { role: 'status' });
  const name = h('input', { id: 'fav-name', required: true, maxlength: 64, autocomplete: 'off' });
  const title = h('input', { id: 'fav-title', maxlength: 200, autocomplete: 'off' });
  let items = [];

  async function refresh() {
    try {
      items = await favourites.list();
    } catch {
      clear(list).append(h('li.error', t('error.load_failed')));
      return;
    }
    clear(list).append(...[items.length ? items.map((f) => h('li', { 'data-favourite': f.name },
      h('button.link', { type: 'button', title: f.title, onclick: () => apply(f.selection) }, h('strong', f.name), f.title ? h('span.detail', f.title) : null),
      h('button.iconbtn.small', { type: 'button', title: t('trends.fav_delete'), 'aria-label': `${t('trends.fav_delete')} ${f.name}`,
        onclick: async () => {
          try { await favourites.remove(f.name); status.textContent = t('trends.fav_deleted'); } catch (err) { status.textContent = err.message; }
          refresh();
        } }, '×')))
      : h('li.muted', t('trends.fav_none'))].flat());
  }

  const form = h('form.fav-form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        await favourites.save(name.value.trim(), title.value.trim(), snapshot());
        status.textContent = t('trends.fav_saved');
        name.value = title.value = '';
      } catch (err) {
        status.textContent = err.code === 'favourite_not_yours' ? t('trends.fav_not_yours') : err.message;
      }
      refresh();
    },
  }, h('label', { for: 'fav-name' }, t('trends.fav_name')), name,
  h('label', { for: 'fav-title' }, t('trends.fav_title')), title,
  h('button.btn', { type: 'submit' }, t('trends.fav_save')));

  const el = h('section.trends-fav', { 'aria-labelledby': 'trends-fav-title' },
    h('h2', { id: 'trends-fav-title' }, t('trends.favourites')), list, form, status);
  const first = refresh();
  // the favourite of that name, once the first list is in (no second request)
  const find = async (favName) => { await first; return items.find((f) => f.name === favName) || null; };
  return { el, refresh, find };
}
