// The Datalogger's settings forms (manual §8.7): the "System" tab (identification, the remote
// server, the files' separator and decimal mark) and the "Planning" tab (one row per plan:
// type, every X or at a time of day [and day of the week], one file for all devices or one per
// device). They edit a copy of plugins.exporter_files of the site document (config_doc.js);
// keys the forms do not show (timeouts, ca_file, ...) stay as they are. Every field carries the
// path the server names in its errors (data-path), so showErrors() puts them at the field.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export const SECTION = 'plugins.exporter_files';
const PROTOCOLS = ['ftp', 'ftps', 'ftps-implicit', 'http', 'https'];
const TYPES = ['index', 'measurement', 'alarms', 'load_curve', 'status', 'log', 'config_backup'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const UNITS = ['s', 'm', 'h', 'd'];
const isHttp = (protocol) => protocol === 'http' || protocol === 'https';

// The server's error paths for list items may be dotted ("plans.1.every"): the form's are
// bracketed ("plans[1].every"), as config_doc.pathOf() writes them.
export function formPath(path) {
  return String(path || '').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

function select(path, values, current, label) {
  return h('select', { dataset: { path } },
    values.map((v) => h('option', { value: v, selected: v === current }, label(v))));
}

function field(labelText, control, extra = null) {
  return h('label.dl-field', h('span', labelText), control, extra);
}

// "10m" -> {count: '10', unit: 'm'}; a form the unit list lacks keeps its text as a count.
function splitEvery(text) {
  const m = /^(\d+)(s|m|h|d)$/.exec(String(text ?? ''));
  return m ? { count: m[1], unit: m[2] } : { count: String(text ?? ''), unit: 'm' };
}

export function systemForm(section) {
  const id = section.identification || {};
  const srv = section.server || {};
  const fmt = section.format || {};
  const P = SECTION;
  const protocol = select(`${P}.server.protocol`, PROTOCOLS, srv.protocol || 'ftp', (v) => t('datalogger.protocol.' + v));
  const input = (path, value, props = {}) => h('input', { type: 'text', value: value ?? '', dataset: { path }, ...props });
  const ftpOnly = h('div.dl-ftp-only',
    field(t('datalogger.transfer_mode'), select(`${P}.server.passive`, ['passive', 'active'], srv.passive === false ? 'active' : 'passive', (v) => t('datalogger.' + v))));
  const httpOnly = h('div.dl-http-only',
    field(t('datalogger.auth'), select(`${P}.server.auth`, ['basic', 'ntlm'], srv.auth || 'basic', (v) => (v === 'ntlm' ? 'NTLM' : 'Basic'))),
    field(t('datalogger.method'), select(`${P}.server.method`, ['post', 'put'], srv.method || 'post', (v) => v.toUpperCase())));
  const showProtocol = () => {
    ftpOnly.hidden = isHttp(protocol.value);
    httpOnly.hidden = !isHttp(protocol.value);
  };
  protocol.addEventListener('change', showProtocol);
  showProtocol();
  return h('div.dl-system-form', { id: 'datalogger-system-form' },
    h('fieldset', h('legend', t('datalogger.identification')),
      field(t('datalogger.site'), input(`${P}.identification.site`, id.site)),
      field(t('datalogger.server_name'), input(`${P}.identification.server`, id.server))),
    h('fieldset', h('legend', t('datalogger.server_section')),
      field(t('datalogger.protocol'), protocol),
      field(t('datalogger.host'), input(`${P}.server.host`, srv.host)),
      field(t('datalogger.port'), input(`${P}.server.port`, srv.port, { inputmode: 'numeric', placeholder: t('datalogger.port_default') })),
      field(t('datalogger.directory'), input(`${P}.server.directory`, srv.directory, { placeholder: '/' })),
      field(t('datalogger.user'), input(`${P}.server.user`, srv.user, { autocomplete: 'off' })),
      // Write-only: the document carries null for a stored password; empty keeps it.
      field(t('datalogger.password'), h('input', { type: 'password', value: '', autocomplete: 'new-password', dataset: { path: `${P}.server.password` },
        placeholder: srv.password === null ? t('datalogger.password_keep') : t('datalogger.password_none') })),
      ftpOnly, httpOnly),
    h('fieldset', h('legend', t('datalogger.format')),
      field(t('datalogger.separator'), select(`${P}.format.separator`, [';', ','], fmt.separator || ';', (v) => t('datalogger.separator.' + (v === ';' ? 'semicolon' : 'comma')))),
      field(t('datalogger.decimal'), select(`${P}.format.decimal`, [',', '.'], fmt.decimal || ',', (v) => t('datalogger.decimal.' + (v === ',' ? 'comma' : 'point'))))));
}

function planRow(plan, i, onRemove) {
  const P = `${SECTION}.plans[${i}]`;
  const every = splitEvery(plan.every);
  const kind = select(`${P}.kind`, ['every', 'at'], plan.at !== undefined ? 'at' : 'every', (v) => t('datalogger.kind.' + v));
  const everyPart = h('span.dl-every', { dataset: { path: `${P}.every` } },
    h('input', { type: 'text', inputmode: 'numeric', class: 'dl-count', value: every.count, 'aria-label': t('datalogger.every_count') }),
    select(`${P}.every.unit`, UNITS, every.unit, (u) => t('datalogger.unit.' + u)));
  const atPart = h('span.dl-at',
    h('input', { type: 'time', value: plan.at ?? '06:00', dataset: { path: `${P}.at` }, 'aria-label': t('datalogger.kind.at') }),
    select(`${P}.day`, ['', ...DAYS], plan.day ?? '', (d) => t(d ? 'datalogger.day.' + d : 'datalogger.day.every')));
  const showKind = () => {
    everyPart.hidden = kind.value !== 'every';
    atPart.hidden = kind.value !== 'at';
  };
  kind.addEventListener('change', showKind);
  showKind();
  return h('tr.dl-plan', { dataset: { path: P, index: String(i) } },
    h('td', select(`${P}.type`, TYPES, plan.type || 'index', (v) => t('datalogger.type.' + v))),
    h('td', kind, ' ', everyPart, atPart),
    h('td', select(`${P}.files`, ['all', 'per_device'], plan.files || 'all', (v) => t('datalogger.files.' + v))),
    h('td', h('button.btn', { type: 'button', class: 'btn dl-remove', onclick: onRemove }, t('datalogger.remove_plan'))));
}

// The Planning tab's editor: rows of plans, "add a plan". Returns {el}; rows are read back by
// readForm() from the DOM.
export function plansForm(section) {
  const body = h('tbody');
  const plans = (section.plans || []).map((p) => ({ ...p }));
  const redraw = () => {
    body.replaceChildren(...plans.map((p, i) => planRow(p, i, () => { readPlans(body, plans); plans.splice(i, 1); redraw(); })));
  };
  redraw();
  const head = ['type', 'schedule', 'files', 'action'].map((c) => h('th', { scope: 'col' }, t('datalogger.col.' + c)));
  const add = h('button.btn', { type: 'button', id: 'datalogger-add-plan', onclick: () => {
    readPlans(body, plans);
    plans.push({ type: 'index', every: '10m', files: 'all' });
    redraw();
  } }, t('datalogger.add_plan'));
  return h('div', { id: 'datalogger-plans-form', dataset: { path: `${SECTION}.plans` } },
    h('table', { class: 'datalogger-table', id: 'datalogger-plans' }, h('thead', h('tr', head)), body), add);
}

const byPath = (root, path) => root.querySelector(`[data-path="${CSS.escape(path)}"]`);

// The plans as the rows show them (into `plans`, in place).
function readPlans(body, plans) {
  plans.length = 0;
  for (const row of body.querySelectorAll('tr.dl-plan')) {
    const P = row.dataset.path;
    const value = (suffix) => byPath(row, P + suffix).value;
    const plan = { type: value('.type') };
    if (value('.kind') === 'every') {
      plan.every = byPath(row, P + '.every').querySelector('.dl-count').value.trim() + value('.every.unit');
    } else {
      plan.at = value('.at');
      if (value('.day')) plan.day = value('.day');
    }
    plan.files = value('.files');
    plans.push(plan);
  }
  return plans;
}

// Writes the forms' values into `section` (plugins.exporter_files of a copy of the document).
export function readForm(root, section) {
  const P = SECTION;
  const value = (path) => byPath(root, `${P}.${path}`).value;
  const text = (path) => value(path).trim();
  section.identification = { ...(section.identification || {}), site: text('identification.site'), server: text('identification.server') };
  const srv = { ...(section.server || {}) };
  srv.protocol = value('server.protocol');
  srv.host = text('server.host');
  const port = text('server.port');
  if (port === '') delete srv.port;
  else srv.port = /^\d+$/.test(port) ? Number(port) : port; // the server names a wrong one
  for (const key of ['directory', 'user']) {
    if (text(`server.${key}`) === '') delete srv[key];
    else srv[key] = text(`server.${key}`);
  }
  const password = value('server.password');
  if (password !== '') srv.password = password; // else null (kept) or absent stays
  if (isHttp(srv.protocol)) {
    delete srv.passive;
    srv.auth = value('server.auth');
    srv.method = value('server.method');
  } else {
    delete srv.auth;
    delete srv.method;
    srv.passive = value('server.passive') === 'passive';
  }
  section.server = srv;
  const separator = value('format.separator');
  const decimal = value('format.decimal');
  // The defaults (";" and ",") are not written into a section that did not have them.
  if (section.format || separator !== ';' || decimal !== ',') section.format = { ...(section.format || {}), separator, decimal };
  section.plans = readPlans(byPath(root, `${P}.plans`).querySelector('tbody'), []);
  return section;
}
