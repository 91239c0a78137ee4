// The list the Sources, Circuits and Data tabs share (manual §8.3.4-8.3.6): search, a status
// filter applied by "Validate", "Display all", a check box per row, for the page and for all
// pages, lines per page and paging. The caller draws each row's cells; the list keeps the
// selection (by row key) across pages and filters.
import { h, clear } from '../../../dom.js';
import { t } from '../../../i18n.js';

const SIZES = [10, 25, 50, 100];

// id: prefix of element ids; heads: column titles after the check box; key(row): a stable key;
// text(row): what the search looks in; enabled(row): its status; cells(row, tr): the <td>s;
// bar: elements shown beside the selection count (bulk actions).
export function pagedList({ id, heads, key, text, enabled, cells, bar = [], searchLabel }) {
  let rows = [];
  let shown = [];
  let page = 0;
  let size = 25;
  const selected = new Set();
  const search = h('input', { type: 'search', id: `${id}-search`, placeholder: searchLabel, 'aria-label': searchLabel });
  const status = h('select', { id: `${id}-status`, 'aria-label': t('devices.status') },
    h('option', { value: '' }, t('devices.status.all')),
    h('option', { value: 'enabled' }, t('devices.status.enabled')),
    h('option', { value: 'disabled' }, t('devices.status.disabled')));
  const apply = h('button.btn', { type: 'button', id: `${id}-apply`, onclick: () => { page = 0; filter(); } }, t('devices.validate'));
  const all = h('button.btn', { type: 'button', id: `${id}-show-all`, onclick: () => { search.value = ''; status.value = ''; page = 0; filter(); } }, t('devices.show_all'));
  search.addEventListener('keydown', (e) => { if (e.key === 'Enter') { page = 0; filter(); } });

  const pageBox = h('input', { type: 'checkbox', id: `${id}-select-page`, 'aria-label': t('devices.select_page') });
  const allPages = h('button.btn', { type: 'button', id: `${id}-select-all`, onclick: () => { for (const r of shown) selected.add(key(r)); draw(); } }, t('devices.select_all'));
  const none = h('button.btn', { type: 'button', id: `${id}-select-none`, onclick: () => { selected.clear(); draw(); } }, t('devices.select_none'));
  const count = h('span.devices-count', { id: `${id}-selected`, role: 'status' });
  const body = h('tbody');
  const table = h('table.devices-table', { id: `${id}-table` }, h('thead', h('tr', h('th', pageBox), heads.map((x) => h('th', x)))), body);
  const sizeSel = h('select', { id: `${id}-size`, 'aria-label': t('devices.lines_per_page') }, SIZES.map((n) => h('option', { value: String(n) }, String(n))));
  sizeSel.value = String(size);
  sizeSel.addEventListener('change', () => { size = Number(sizeSel.value); page = 0; draw(); });
  const prev = h('button.btn', { type: 'button', id: `${id}-prev`, onclick: () => { page--; draw(); } }, '◀ ' + t('alarms.prev'));
  const next = h('button.btn', { type: 'button', id: `${id}-next`, onclick: () => { page++; draw(); } }, t('alarms.next') + ' ▶');
  const where = h('span.devices-page', { id: `${id}-page` });

  pageBox.addEventListener('change', () => {
    for (const r of pageRows()) (pageBox.checked ? selected.add(key(r)) : selected.delete(key(r)));
    draw();
  });

  const pageRows = () => shown.slice(page * size, page * size + size);

  function filter() {
    const words = search.value.trim().toLowerCase();
    shown = rows.filter((r) => (!words || text(r).toLowerCase().includes(words)) &&
      (!status.value || (status.value === 'enabled') === enabled(r)));
    draw();
  }

  function draw() {
    const pages = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(Math.max(0, page), pages - 1);
    clear(body);
    const current = pageRows();
    for (const r of current) {
      const k = key(r);
      const box = h('input', { type: 'checkbox', checked: selected.has(k), 'aria-label': t('devices.select_row', { name: text(r) }),
        onchange: () => { (box.checked ? selected.add(k) : selected.delete(k)); counts(); } });
      const tr = h('tr', { dataset: { key: k }, class: enabled(r) ? null : 'disabled' });
      tr.append(h('td', box), ...cells(r, tr));
      body.append(tr);
    }
    if (!current.length) body.append(h('tr', h('td.muted', { colspan: heads.length + 1 }, t('devices.none'))));
    where.textContent = t('devices.page_of', { page: page + 1, pages, total: shown.length });
    prev.disabled = page <= 0;
    next.disabled = page >= pages - 1;
    counts();
  }

  function counts() {
    const current = pageRows();
    pageBox.checked = current.length > 0 && current.every((r) => selected.has(key(r)));
    count.textContent = t('devices.selected', { n: selected.size });
  }

  const el = h('div.devices-list',
    h('div.devices-filters', search, status, apply, all),
    h('div.devices-bulk', allPages, none, count, bar),
    h('div.devices-table-pane', table),
    h('div.devices-pager', h('label', t('devices.lines_per_page'), ' ', sizeSel), prev, where, next));

  return {
    el,
    // New rows (after a load or a save); the selection keeps the keys still present.
    setRows(next) {
      rows = next;
      const keys = new Set(rows.map(key));
      for (const k of [...selected]) if (!keys.has(k)) selected.delete(k);
      filter();
    },
    redraw: draw,
    selectedRows: () => rows.filter((r) => selected.has(key(r))),
    clearSelection() { selected.clear(); counts(); },
  };
}
