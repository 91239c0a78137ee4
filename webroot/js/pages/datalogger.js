// Datalogger (manual §8.7, Admin): the publishing of data files to the remote server. The
// "System" part shows the identification and the server (the password is never sent to the
// browser: only whether one is set); the "Planning" part lists each plan with its schedule,
// what was delivered, the last success and failure, the next run and the periods waiting.
// Actions: send now (all plans or one type) and test the connection. The settings themselves
// are edited in the site file (plugins.exporter_files, docs/datalogger.md).
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';

const REFRESH_MS = 10000;

// An ISO UTC time in the browser's locale, or a dash.
function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function row(label, value) {
  return h('tr', h('th', { scope: 'row' }, label), h('td', value ?? '—'));
}

function systemPart(s) {
  const srv = s.server;
  const rows = [
    row(t('datalogger.site'), s.identification.site),
    row(t('datalogger.server_name'), s.identification.server),
    row(t('datalogger.protocol'), srv.protocol),
    row(t('datalogger.address'), `${srv.host}:${srv.port}`),
    row(t('datalogger.directory'), srv.directory || '/'),
    row(t('datalogger.user'), srv.user || '—'),
    row(t('datalogger.password'), srv.password_set ? t('datalogger.password_set') : t('datalogger.password_none')),
  ];
  if (srv.passive !== null) rows.push(row(t('datalogger.transfer_mode'), t(srv.passive ? 'datalogger.passive' : 'datalogger.active')));
  if (srv.auth) rows.push(row(t('datalogger.auth'), srv.auth === 'ntlm' ? 'NTLM' : 'Basic'), row(t('datalogger.method'), srv.method.toUpperCase()));
  return h('section.card', { id: 'datalogger-system' }, h('h2', t('datalogger.system')),
    h('table', { class: 'datalogger-table' }, h('tbody', rows)));
}

function planningPart(s, onSend) {
  const head = ['type', 'files', 'schedule', 'delivered_until', 'last_success', 'last_failure', 'next_run', 'pending', 'action']
    .map((c) => h('th', { scope: 'col' }, t('datalogger.col.' + c)));
  const body = s.plans.map((p) => h('tr', { dataset: { type: p.type } },
    h('td', t('datalogger.type.' + p.type)),
    h('td', t('datalogger.files.' + p.files)),
    h('td', p.schedule),
    h('td', when(p.delivered_until)),
    h('td', when(p.last_success)),
    h('td', { title: p.last_error || '' }, p.last_failure ? [when(p.last_failure), h('br'), h('span.error', p.last_error)] : '—'),
    h('td', when(p.next_run)),
    h('td.pending', String(p.pending ?? '—')),
    h('td', h('button.btn', { type: 'button', onclick: () => onSend(p.type) }, t('datalogger.send_type')))));
  const state = s.sending
    ? h('p.muted', { id: 'datalogger-failing' }, t('datalogger.sending'))
    : s.failing
    ? h('p.error', { id: 'datalogger-failing', role: 'alert' }, t('datalogger.failing', { kind: s.failing, at: when(s.retry_at) }))
    : h('p.muted', { id: 'datalogger-failing' }, t('datalogger.delivering'));
  return h('section.card', { id: 'datalogger-planning' }, h('h2', t('datalogger.planning')), state,
    s.dropped_total ? h('p.error', t('datalogger.dropped', { n: s.dropped_total })) : null,
    h('table', { class: 'datalogger-table' }, h('thead', h('tr', head)), h('tbody', body)));
}

export function render(main) {
  const status = h('div', { id: 'datalogger-status' });
  const result = h('div', { id: 'datalogger-result', role: 'status', 'aria-live': 'polite' });
  let busy = false;
  let timer = 0;

  async function load() {
    try {
      const s = await api.get('/datalogger');
      clear(status).append(systemPart(s), planningPart(s, sendNow));
    } catch (e) {
      clear(status).append(h('p.error', { role: 'alert' }, e.status === 503 ? t('datalogger.none') : e.message));
    }
  }

  async function act(button, work) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    clear(result).append(h('p.muted', t('datalogger.working')));
    try {
      clear(result).append(await work());
    } catch (e) {
      clear(result).append(h('p.error', { role: 'alert' }, e.message));
    } finally {
      busy = false;
      button.disabled = false;
      load();
    }
  }

  function sendNow(type) {
    act(sendAll, async () => {
      const answer = await api.post('/datalogger/send-now', type ? { type } : {});
      if (!answer.files.length) return h('p', t('datalogger.nothing_due'));
      return h('table', { class: 'datalogger-table', id: 'datalogger-sent' },
        h('thead', h('tr', ['file', 'rows', 'bytes', 'status'].map((c) => h('th', { scope: 'col' }, t('datalogger.col.' + c))))),
        h('tbody', answer.files.map((f) => h('tr', h('td', f.file), h('td', String(f.rows)), h('td', String(f.bytes)),
          h(f.status === 'sent' ? 'td' : 'td.error', f.status === 'sent' ? t('datalogger.sent') : f.status)))));
    });
  }

  const sendAll = h('button.btn.primary', { type: 'button', id: 'datalogger-send-now', onclick: () => sendNow('') }, t('datalogger.send_now'));
  const test = h('button.btn', { type: 'button', id: 'datalogger-test', onclick: () => act(test, async () => {
    const c = await api.post('/datalogger/test-connection');
    return h(c.ok ? 'p' : 'p.error', { id: 'datalogger-test-result' },
      c.ok ? t('datalogger.test_ok', { destination: c.destination }) : t('datalogger.test_failed', { kind: c.failure, message: c.message }));
  }) }, t('datalogger.test'));

  main.append(h('div.content', h('h1', t('page.datalogger')), h('p.muted', t('page.datalogger.about')),
    h('div.datalogger-actions', sendAll, ' ', test), result, status));
  load();
  timer = setInterval(() => { if (!busy) load(); }, REFRESH_MS);
  return () => clearInterval(timer);
}
