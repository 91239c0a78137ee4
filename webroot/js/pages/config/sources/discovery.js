// Auto discovery (manual §8.2.6, §8.3.2): a driver's scan run by the server
// (GET/POST /api/v1/discovery/scan) with a progress bar, then one line per gateway with the
// number of devices behind it; the Admin selects gateways (or single devices) and adds them to
// the data sources in one save. A device already configured (same address and unit) is shown
// but not offered again.
import { api } from '../../../api.js';
import { h, clear } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { saveSite } from '../devices/model.js';
import { PROTOCOLS } from './connection.js';

const POLL_MS = 400;

// The address key of a found device (the driver reports its own: tcp for a Modbus TCP gateway).
const addressKey = (d) => PROTOCOLS.find((p) => d[p]) || '';
const deviceKey = (d) => `${addressKey(d)}=${d[addressKey(d)]}#${d.unit}`;

// A source name from the device: its model and unit, unique in the site ("diris-a40-1").
function nameFor(d, taken) {
  const stem = String(d.model || d.family || 'device').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'device';
  let name = `${stem}-${d.unit}`;
  for (let k = 2; taken.has(name); k++) name = `${stem}-${d.unit}-${k}`;
  taken.add(name);
  return name;
}

export function discoveryPanel({ ctx, state, note, host, afterSave }) {
  let timer = null;
  let closed = false;
  let drivers = [];
  const driverSel = h('select', { id: 'discovery-driver', 'aria-label': t('discovery.driver') });
  const settings = h('div.devices-form-grid', { id: 'discovery-settings' });
  const bar = h('progress', { id: 'discovery-progress', max: '1', value: '0' });
  const message = h('span.muted', { id: 'discovery-message', role: 'status' });
  const error = h('p.error', { id: 'discovery-error', role: 'alert' });
  const results = h('div', { id: 'discovery-results' });
  const start = h('button.btn.primary', { type: 'submit', id: 'discovery-start' }, t('discovery.scan'));
  const cancel = h('button.btn', { type: 'button', id: 'discovery-cancel', hidden: true, onclick: () => api.post('/discovery/scan/cancel').catch(() => {}) }, t('discovery.cancel'));
  const form = h('form.devices-form', { id: 'discovery', onsubmit: (e) => { e.preventDefault(); scan(); } },
    h('h3', t('discovery.title')),
    h('p.muted', t('discovery.about')),
    h('label.config-field', h('span', t('discovery.driver')), driverSel),
    settings,
    h('div.actions', start, cancel, h('button.btn', { type: 'button', onclick: () => close() }, t('common.cancel'))),
    h('div.discovery-progress', bar, ' ', message),
    error,
    results);
  host.append(form);

  function drawSettings() {
    clear(settings);
    const d = drivers.find((x) => x.id === driverSel.value);
    for (const s of d?.settings || [])
      settings.append(h('label.config-field', h('span', s.key + (s.address ? ' *' : '')),
        h('input', { type: 'text', name: s.key, id: `discovery-setting-${s.key}`, value: s.default ?? '', placeholder: s.description, title: s.description, required: s.address })));
  }
  driverSel.addEventListener('change', drawSettings);

  async function scan() {
    error.textContent = '';
    const body = { driver: driverSel.value, settings: {} };
    for (const input of settings.querySelectorAll('input')) if (input.value.trim()) body.settings[input.name] = input.value.trim();
    try {
      show(await api.post('/discovery/scan', body));
    } catch (e) {
      error.textContent = e.body?.message || e.message;
    }
  }

  async function poll() {
    timer = null;
    try {
      show(await api.get('/discovery/scan'));
    } catch (e) {
      error.textContent = e.body?.message || e.message;
    }
  }

  function show(answer) {
    if (closed) return;
    const s = answer.scan || {};
    const running = s.state === 'running';
    bar.max = Math.max(1, s.total || 0);
    bar.value = s.total ? s.done : (running ? 0 : bar.max);
    if (running && !s.total) bar.removeAttribute('value'); // indeterminate until the driver says
    bar.dataset.state = s.state || 'idle';
    message.textContent = s.state === 'idle' ? '' : `${t('discovery.state.' + s.state)} ${s.message || ''}`;
    if (s.state === 'failed') error.textContent = s.message || '';
    start.disabled = running;
    cancel.hidden = !running;
    drawResults(answer.devices || [], running);
    if (running && !timer) timer = setTimeout(poll, POLL_MS);
  }

  // One line per gateway with its device count; its devices below, each with a check box.
  function drawResults(devices, running) {
    clear(results);
    if (!devices.length) {
      if (!running && bar.dataset.state === 'done') results.append(h('p.muted', t('discovery.nothing')));
      return;
    }
    const configured = new Set(state.site.sources.map((s) => deviceKey(s)));
    const gateways = new Map();
    for (const d of devices) {
      const g = `${addressKey(d)}=${d[addressKey(d)]}`;
      if (!gateways.has(g)) gateways.set(g, []);
      gateways.get(g).push(d);
    }
    const table = h('table.devices-table', { id: 'discovery-table' },
      h('thead', h('tr', h('th', ''), h('th', t('discovery.gateway')), h('th', t('sources.col.unit')), h('th', t('discovery.device')), h('th', t('sources.col.reference')), h('th', t('discovery.circuits')))));
    for (const [g, list] of gateways) {
      const body = h('tbody', { dataset: { gateway: g } });
      const gwBox = h('input', { type: 'checkbox', 'aria-label': t('discovery.select_gateway', { gateway: g }) });
      body.append(h('tr.gateway', h('td', gwBox), h('td', { colspan: 5 }, h('strong', g.split('=')[1]), ' — ', t('discovery.count', { n: list.length }))));
      const boxes = [];
      for (const d of list) {
        const known = configured.has(deviceKey(d));
        const box = h('input', { type: 'checkbox', disabled: known, 'aria-label': t('discovery.select_device', { unit: d.unit }) });
        box.device = d;
        if (!known) boxes.push(box);
        body.append(h('tr', { dataset: { unit: String(d.unit) } }, h('td', box), h('td', ''), h('td', String(d.unit)),
          h('td', [d.model || d.family || '', known ? h('span.muted', ' (' + t('discovery.known') + ')') : null]),
          h('td', d.profile || h('span.muted', 'socomec/auto')), h('td', d.circuits ?? '')));
      }
      gwBox.addEventListener('change', () => { for (const b of boxes) b.checked = gwBox.checked; });
      table.append(body);
    }
    const add = h('button.btn.primary', { type: 'button', id: 'discovery-add', disabled: running, onclick: () => addSelected(table) }, t('discovery.add'));
    results.append(table, h('div.actions', add));
  }

  // The selected devices become sources (their profile, or socomec/auto when none matched, so
  // the driver identifies them at start), all in one save.
  async function addSelected(table) {
    const chosen = [...table.querySelectorAll('tbody tr:not(.gateway) input:checked')].map((b) => b.device);
    if (!chosen.length) { error.textContent = t('devices.nothing_selected'); return; }
    const site = structuredClone(state.site);
    const taken = new Set(site.sources.map((s) => s.name));
    for (const d of chosen) {
      const key = addressKey(d);
      const s = { name: nameFor(d, taken), profile: d.profile || 'socomec/auto' };
      if (key) s[key] = d[key];
      s.unit = d.unit;
      site.sources.push(s);
    }
    if (await saveSite(ctx, state, site, form, note)) {
      afterSave();
      poll();
    }
  }

  function close() {
    closed = true;
    if (timer) clearTimeout(timer);
    timer = null;
    form.remove();
  }

  api.get('/discovery/scan').then((answer) => {
    drivers = answer.drivers || [];
    clear(driverSel).append(...drivers.map((d) => h('option', { value: d.id }, d.id)));
    if (!drivers.length) error.textContent = t('discovery.no_driver');
    drawSettings();
    show(answer);
  }).catch((e) => { error.textContent = e.body?.message || e.message; });

  return { close };
}
