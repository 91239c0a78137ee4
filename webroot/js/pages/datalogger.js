// Datalogger (manual §8.7, Admin): the publishing of data files to the remote server. The
// "System" part shows the identification and the server (the password is never sent to the
// browser: only whether one is set); the "Planning" part lists each plan with its schedule,
// what was delivered, the last success and failure, the next run and the periods waiting.
// Actions: send now (all plans or one type) and test the connection. The "System" and
// "Planning" tabs edit the settings (datalogger_form.js): saving sends the whole site document
// (config_doc.js, PUT /api/v1/config), which the site applies as a reload; the server's field
// errors show at their fields and nothing is saved then.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import * as configDoc from '../config_doc.js';
import { systemForm, plansForm, readForm, formPath } from './datalogger_form.js';

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

// The settings: the two tabs' forms over plugins.exporter_files of the site document, one Save
// for both (one PUT of the whole document: nothing half-saved).
function settingsPart(onSaved) {
  const message = h('div', { id: 'datalogger-save-result', role: 'status', 'aria-live': 'polite' });
  const panels = { system: h('div.dl-panel', { id: 'datalogger-tab-system', role: 'tabpanel' }),
    planning: h('div.dl-panel', { id: 'datalogger-tab-planning', role: 'tabpanel' }) };
  const tabs = h('div.tabs', { role: 'tablist', 'aria-label': t('page.datalogger') });
  const form = h('form', { id: 'datalogger-form', novalidate: true }, tabs, panels.system, panels.planning);
  let doc = null; // {version, site} as loaded or last saved
  let dirty = false;
  const select = (name) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.tab === name));
    for (const [k, panel] of Object.entries(panels)) panel.hidden = k !== name;
  };
  for (const name of ['system', 'planning'])
    tabs.append(h('button.tab', { type: 'button', role: 'tab', id: 'datalogger-tab-' + name + '-button', dataset: { tab: name },
      'aria-controls': 'datalogger-tab-' + name, onclick: () => select(name) }, t('datalogger.' + name)));
  const save = h('button.btn.primary', { type: 'submit', id: 'datalogger-save' }, t('datalogger.save'));
  const cancel = h('button.btn', { type: 'button', id: 'datalogger-cancel', onclick: () => load() }, t('datalogger.cancel'));
  form.append(h('div.datalogger-actions', save, ' ', cancel), message);
  form.addEventListener('input', () => { dirty = true; });
  form.addEventListener('change', () => { dirty = true; });

  async function load(note) {
    try {
      doc = await configDoc.load();
    } catch (e) {
      clear(message).append(h('p.error', { role: 'alert' }, e.message));
      return;
    }
    const section = doc.site?.plugins?.exporter_files || {};
    clear(panels.system).append(systemForm(section));
    clear(panels.planning).append(plansForm(section));
    configDoc.clearErrors(form);
    dirty = false;
    clear(message).append(note || '');
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!doc) return;
    const site = structuredClone(doc.site);
    site.plugins = site.plugins || {};
    site.plugins.exporter_files = readForm(form, site.plugins.exporter_files || {});
    save.disabled = true;
    configDoc.clearErrors(form);
    clear(message).append(h('p.muted', t('datalogger.saving')));
    try {
      await configDoc.save(site, doc.version);
      await load(h('p', { id: 'datalogger-saved' }, t('datalogger.saved')));
      onSaved();
    } catch (r) {
      if (r?.kind === 'invalid') {
        const errors = r.errors.map((e) => ({ ...e, path: formPath(e.path) }));
        // The tab of the first field in error comes to the front.
        const first = errors.map((e) => form.querySelector(`[data-path="${CSS.escape(e.path)}"]`)).find(Boolean);
        if (first) select(panels.planning.contains(first) ? 'planning' : 'system');
        clear(message);
        configDoc.showErrors(form, errors, message);
        message.prepend(h('p.error', { id: 'datalogger-save-refused', role: 'alert' }, t('datalogger.not_saved')));
      } else {
        clear(message).append(h('p.error', { role: 'alert' }, configDoc.refusalText(r)));
      }
    } finally {
      save.disabled = false;
    }
  });
  select('system');
  load();
  return { el: h('section.card', { id: 'datalogger-settings' }, h('h2', t('datalogger.settings')), form), dirty: () => dirty };
}

export function render(main) {
  if (!document.querySelector('link[data-datalogger]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: 'css/config.css', 'data-datalogger': '' }),
      h('link', { rel: 'stylesheet', href: 'css/datalogger.css', 'data-datalogger': '' }));
  }
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
  // The service tests the settings in force: with unsaved edits, the answer says so.
  const test = h('button.btn', { type: 'button', id: 'datalogger-test', onclick: () => act(test, async () => {
    const c = await api.post('/datalogger/test-connection');
    return h('div', h(c.ok ? 'p' : 'p.error', { id: 'datalogger-test-result' },
      c.ok ? t('datalogger.test_ok', { destination: c.destination }) : t('datalogger.test_failed', { kind: c.failure, message: c.message })),
    settings.dirty() ? h('p.muted', t('datalogger.test_saved_only')) : null);
  }) }, t('datalogger.test'));
  const settings = settingsPart(() => load());

  main.append(h('div.content', h('h1', t('page.datalogger')), h('p.muted', t('page.datalogger.about')),
    h('div.datalogger-actions', sendAll, ' ', test), result, status, settings.el));
  load();
  timer = setInterval(() => { if (!busy) load(); }, REFRESH_MS);
  return () => clearInterval(timer);
}
