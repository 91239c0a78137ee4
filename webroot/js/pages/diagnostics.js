// Diagnostics (manual §8 "Diagnosis", Admin): Global (versions, uptime, plugins and their
// state, storage size and retention, journal cursors and their lag, CPU and memory), Devices
// (per source: state, last good poll, requests, timeouts, exceptions, invalid answers, mean
// response time; per link: utilisation), the bus view of a link (its last frames in hex) and
// the diagnostics file (zip). Data: GET /diagnostics/report, /diagnostics/bus, /diagnostics/export.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';

const REFRESH_MS = 5000;
const BUS_REFRESH_MS = 2000;

const dash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v)); // h() takes a bare 0 for props
const whenNs = (ns) => (ns ? new Date(ns / 1e6).toLocaleString() : '—');
const whenMs = (ms) => (ms ? new Date(ms).toLocaleString() : '—');
const percent = (x) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);

function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function duration(s) {
  if (s === null || s === undefined) return '—';
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = Math.floor(s % 60);
  return (d ? `${d} d ` : '') + `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

function table(id, columns, rows) {
  return h('table', { class: 'diag-table', id },
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col' }, t('diagnostics.col.' + c))))),
    h('tbody', rows.length ? rows : h('tr', h('td', { colspan: columns.length }, t('diagnostics.none')))));
}

function row(label, value, id) {
  return h('tr', id ? { id } : null, h('th', { scope: 'row' }, label), h('td', dash(value)));
}

// The process's CPU share since the previous report (the server gives the total since start).
function cpuNow(process, previous) {
  if (!process || !previous?.process) return null;
  const used = process.cpu_user_s + process.cpu_system_s - previous.process.cpu_user_s - previous.process.cpu_system_s;
  const wall = process.uptime_s - previous.process.uptime_s;
  return wall > 0 ? used / wall : null;
}

function globalPart(g, previous) {
  const p = g.process;
  const recent = cpuNow(p, previous);
  const rows = [
    row(t('diagnostics.version'), g.gridscope, 'diag-version'),
    row(t('diagnostics.abi'), g.abi),
    row(t('diagnostics.site'), g.site),
    row(t('diagnostics.uptime'), p ? duration(p.uptime_s) : null, 'diag-uptime'),
    row(t('diagnostics.cpu'), p ? `${recent === null ? '…' : percent(recent)} (${t('diagnostics.since_start')} ${p.cpu_percent.toFixed(1)} %)` : null, 'diag-cpu'),
    row(t('diagnostics.memory'), p ? `${bytes(p.rss_bytes)} (${t('diagnostics.threads', { n: p.threads })})` : null, 'diag-memory'),
    row(t('diagnostics.storage_size'), `${bytes(g.storage.data_dir_bytes)} (${g.storage.data_dir})`, 'diag-storage'),
    row(t('diagnostics.values_stored'), g.storage.values_stored),
    row(t('diagnostics.retention'), Object.entries(g.storage.retention_days || {})
      .map(([k, d]) => `${t('diagnostics.retention.' + k)}: ${d === 0 ? t('diagnostics.forever') : t('diagnostics.days', { n: d })}`).join(', ')),
  ];
  const plugins = g.plugins.map((pl) => h('tr', { dataset: { plugin: pl.id } },
    h('td', pl.id), h('td', pl.kind), h('td', pl.version), h('td', pl.abi),
    h(pl.state === 'failed' ? 'td.error' : 'td', t('diagnostics.state.' + pl.state)), h('td', pl.error || '')));
  const cursors = g.storage.cursors.map((c) => h('tr', h('td', c.cursor), h('td', String(c.lag))));
  return h('section.card', { id: 'diagnostics-global' }, h('h2', t('diagnostics.global')),
    h('table', { class: 'diag-table' }, h('tbody', rows)),
    h('h3', t('diagnostics.plugins')), table('diag-plugins', ['plugin', 'kind', 'version', 'abi', 'state', 'error'], plugins),
    h('h3', t('diagnostics.cursors')), table('diag-cursors', ['cursor', 'lag'], cursors));
}

function devicesPart(d, onBus) {
  const sources = d.sources.map((s) => h('tr', { dataset: { source: s.source } },
    h('td', s.source), h('td', dash(s.link)),
    h(s.state === 'offline' ? 'td.error' : 'td', { class: 'diag-state' }, t('diagnostics.state.' + (s.state || 'unknown'))),
    h('td.diag-last-good', s.last_good_utc_ns ? whenNs(s.last_good_utc_ns) : whenMs(s.last_good_ts)),
    h('td.diag-requests', dash(s.requests)), h('td.diag-timeouts', dash(s.timeouts)),
    h('td.diag-exceptions', dash(s.exceptions)), h('td.diag-invalid', dash(s.invalid)),
    h('td.diag-response', s.mean_response_us === null || s.mean_response_us === undefined ? '—' : `${(s.mean_response_us / 1000).toFixed(1)} ms`)));
  const links = d.links.map((l) => h('tr', { dataset: { link: l.link } },
    h('td', l.link), h('td', l.plugin), h('td', String(l.requests)), h('td', String(l.timeouts)),
    h('td', String(l.exceptions)), h('td', String(l.invalid)), h('td.diag-utilisation', percent(l.utilisation)),
    h('td', h('button.btn', { type: 'button', onclick: () => onBus(l.link) }, t('diagnostics.show_bus')))));
  return h('section.card', { id: 'diagnostics-devices' }, h('h2', t('diagnostics.devices')),
    table('diag-sources', ['source', 'link', 'state', 'last_good', 'requests', 'timeouts', 'exceptions', 'invalid', 'response'], sources),
    h('h3', t('diagnostics.links')),
    table('diag-links', ['link', 'plugin', 'requests', 'timeouts', 'exceptions', 'invalid', 'utilisation', 'bus'], links));
}

function busFrames(trace) {
  const rows = trace.frames.slice().reverse().map((f) => h('tr', { dataset: { direction: f.direction } },
    h('td', new Date(f.ts_utc_ns / 1e6).toLocaleTimeString([], { hour12: false }) + '.' + String(Math.floor(f.ts_utc_ns / 1e6) % 1000).padStart(3, '0')),
    h('td', t('diagnostics.direction.' + f.direction)), h('td', String(f.unit)),
    h('td', h('code.diag-hex', f.hex || '—')), h('td', f.note || '')));
  return table('diag-frames', ['time', 'direction', 'unit', 'frame', 'note'], rows);
}

export function render(main) {
  const status = h('div', { id: 'diagnostics-status' });
  const bus = h('section.card', { id: 'diagnostics-bus', hidden: true });
  let previous = null;
  let timer = 0;
  let busTimer = 0;
  let busLink = '';

  async function load() {
    try {
      const report = await api.get('/diagnostics/report');
      clear(status).append(globalPart(report.global, previous), devicesPart(report.devices, showBus));
      previous = report.global;
    } catch (e) {
      clear(status).append(h('p.error', { role: 'alert' }, e.message));
    }
  }

  async function loadBus() {
    if (!busLink) return;
    const body = h('div');
    try {
      body.append(busFrames(await api.get('/diagnostics/bus', { link: busLink })));
    } catch (e) {
      body.append(h('p.error', { role: 'alert' }, e.message));
    }
    clear(bus).append(h('h2', t('diagnostics.bus', { link: busLink })), h('p.muted', t('diagnostics.bus_about')),
      h('button.btn', { type: 'button', id: 'diag-bus-close', onclick: closeBus }, t('diagnostics.close_bus')), body);
  }

  function showBus(link) {
    busLink = link;
    bus.hidden = false;
    clearInterval(busTimer);
    loadBus();
    busTimer = setInterval(loadBus, BUS_REFRESH_MS);
  }

  function closeBus() {
    busLink = '';
    clearInterval(busTimer);
    bus.hidden = true;
  }

  const exportLink = h('a.btn.primary', { href: '/api/v1/diagnostics/export', download: '', id: 'diagnostics-export' }, t('diagnostics.export'));
  main.append(h('div.content', h('h1', t('page.diagnostics')), h('p.muted', t('page.diagnostics.about')),
    h('div.diagnostics-actions', exportLink), bus, status));
  load();
  timer = setInterval(load, REFRESH_MS);
  return () => { clearInterval(timer); clearInterval(busTimer); };
}
