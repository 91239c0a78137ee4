// Alarms and events (manual §7.3): the period and filters, the rows the server selects one page
// at a time (alarm records and EN 50160-style voltage events together), the details of the row
// opened, acknowledgement and shelving for the profiles allowed, the alarm KPIs, and the zip
// export. The page follows the engine live: the shell's alarm stream (GET /live/stream?alarms=1,
// relayed as the window event `gs:alarms`) says the records changed, and the page is read again.
import { h } from '../dom.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { filterForm } from './alarms/filters.js';
import { rowsTable } from './alarms/list.js';
import { detailsPanel } from './alarms/details.js';
import { kpiTiles } from './alarms/kpis.js';
import { exportUrl, queryOf } from './alarms/query.js';

const PAGE_SIZE = 50;

export async function render(main, { can }) {
  const site = await api.get('/site').catch(() => ({ sources: [] }));
  const canAck = can('alarm_acknowledge');
  let selection = null;
  let offset = 0;
  let openRow = null;
  let seq = 0;
  let loading = null; // the read under way; a change meanwhile asks for one more
  let again = false;

  const message = h('p.alarms-message', { role: 'status' });
  const kpis = kpiTiles();
  const list = rowsTable({
    pageSize: PAGE_SIZE, canAck,
    onOpen: (r) => { openRow = r; details.show(r); },
    onPage: (step) => { offset = Math.max(0, offset + step * PAGE_SIZE); load(); },
  });
  const act = (promise) => promise.then(() => load()).catch((err) => { message.textContent = t('alarms.refused', { why: err.message }); });
  const details = detailsPanel({
    can,
    onClose: () => { openRow = null; list.close(); details.show(null); },
    actions: {
      acknowledge: (ids, comment) => act(api.post('/alarms/ack', { ids, comment })),
      shelve: (id, duration_s) => act(api.post('/alarms/shelve', { id, duration_s })),
      unshelve: (id) => act(api.post('/alarms/unshelve', { id })),
      outOfService: (rule, out) => act(api.post('/alarms/out-of-service', { rule, out })),
    },
  });
  const filters = filterForm({
    sources: site.sources.map((s) => s.name),
    onApply: (s) => { selection = s; offset = 0; load(); },
  });
  selection = filters.selection();

  const comment = h('input', { id: 'alarms-bulk-comment', maxlength: 1024, placeholder: t('alarms.comment') });
  const bulk = canAck ? h('div.alarms-bulk', comment,
    h('button.btn', { type: 'button', id: 'alarms-ack-selected', onclick: () => {
      const ids = list.selectedIds();
      if (ids.length) act(api.post('/alarms/ack', { ids, comment: comment.value }));
    } }, t('alarms.acknowledge_selected'))) : null;
  const download = h('a.btn', { id: 'alarms-export', download: '', href: exportUrl(selection) }, t('alarms.export'));
  const content = h('div.content.alarms', { id: 'alarms-page' },
    h('div.alarms-bar', h('h1', t('page.alarms')), bulk, download),
    kpis.el, message,
    h('div.alarms-body', filters.el, list.el, details.el));
  main.append(content);

  async function load() {
    if (loading) { again = true; return loading; }
    const token = ++seq;
    download.href = exportUrl(selection); // the rows the list shows, every page
    loading = (async () => {
      try {
        const answer = await api.get('/alarms', { ...queryOf(selection), offset, limit: PAGE_SIZE, kpis: 1 });
        if (token !== seq) return;
        if (answer.items.length === 0 && offset > 0 && answer.total > 0) { // the page emptied
          offset = Math.max(0, Math.floor((answer.total - 1) / PAGE_SIZE) * PAGE_SIZE);
          again = true;
          return;
        }
        message.textContent = '';
        list.show(answer.items, answer.total, offset);
        kpis.show(answer.kpis);
        if (openRow) { // the details follow the row's changes
          openRow = answer.items.find((r) => r.id === openRow.id) || openRow;
          details.show(openRow);
        }
        content.dataset.loaded = String(token); // the browser tests wait for this
      } catch (err) {
        if (token === seq) message.textContent = err.status === 503 ? t('alarms.no_engine') : t('error.load_failed');
      }
    })();
    await loading;
    loading = null;
    if (again) { again = false; load(); }
  }

  const onAlarms = () => load(); // the shell's alarm stream (app.js, `gs:alarms`)
  window.addEventListener('gs:alarms', onAlarms);
  await load();
  return () => { seq += 1; window.removeEventListener('gs:alarms', onAlarms); };
}
