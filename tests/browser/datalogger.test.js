// The Datalogger page (manual §8.7, issue 16 item 6) in a real browser against the real
// exporter_files and a real FTP server (pyftpdlib, libs/publish/tests/ftp_server.py) on
// 127.0.0.1. The site starts with the FTP server away, so its periods wait; the Admin sees the
// plans in the status; "send now" delivers them once the server is back, and the page shows the
// new "delivered up to"; the Planning form changes a plan's period, which the site applies
// (the status shows the new schedule and the site file holds it); an invalid port in the System
// form is refused at the field and the site file stays byte for byte what it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Site, freePort, launchBrowser, login, screenshot } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const FTP_SERVER = join(here, '../../libs/publish/tests/ftp_server.py');
const ADMIN_PW = 'datalogger admin 1';
const ftpRoot = mkdtempSync(join(tmpdir(), 'gs-ui-ftp-'));
const ftpPort = await freePort();
const exporter = `exporter_files: {identification: {site: UI test building, server: box-01}, `
  + `server: {protocol: ftp, host: 127.0.0.1, port: ${ftpPort}, user: u, password: p, directory: /in, passive: true}, `
  + 'plans: [{type: index, every: 30s, files: all}, {type: measurement, every: 1m, files: per_device}]}';
const site = new Site({ plugins: ['storage_rocksdb: {}', exporter] });
let ftp = null;
let browser;
let page;
const errors = [];

// The FTP server on the site's port; resolves once it listens.
function startFtp() {
  return new Promise((ok, fail) => {
    const proc = spawn('/usr/bin/python3', [FTP_SERVER, '--root', ftpRoot, '--port', String(ftpPort), '--quiet'],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => fail(new Error('ftp_server.py did not start')), 20000);
    proc.stdout.on('data', (d) => {
      if (String(d).includes('READY')) { clearTimeout(timer); ok(proc); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); fail(new Error(`ftp_server.py exited (${code})`)); });
  });
}

async function until(what, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The API as the page's session (cookie and CSRF token from GET /session).
const apiCall = (method, path, body) => page.evaluate(async ([m, p, b]) => {
  const s = await (await fetch('/api/v1/session')).json();
  const r = await fetch('/api/v1' + p, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
    body: b === undefined ? undefined : JSON.stringify(b) });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [method, path, body]);

const inbox = () => (existsSync(join(ftpRoot, 'in')) ? readdirSync(join(ftpRoot, 'in')).sort() : []);
const planRow = (type) => `#datalogger-planning tr[data-type="${type}"]`;
const cell = (type, n) => page.textContent(`${planRow(type)} td:nth-child(${n})`);

before(async () => {
  await site.start();
  site.setPassword('admin', ADMIN_PW);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e));
  await login(page, site.url, 'admin', ADMIN_PW);
});

after(async () => {
  await browser?.close();
  ftp?.kill();
  await site.stop();
  site.cleanup();
  rmSync(ftpRoot, { recursive: true, force: true });
  assert.deepEqual(errors.map(String), []);
});

test('the status shows the plans, the server and its failing delivery', async () => {
  await page.goto(site.url + '/#/datalogger');
  await page.waitForSelector(planRow('index'));
  assert.equal(await cell('index', 1), 'Index');
  assert.equal(await cell('index', 2), 'One file for all devices');
  assert.equal(await cell('index', 3), 'every 30s');
  assert.equal(await cell('measurement', 2), 'One file per device');
  assert.equal(await cell('measurement', 3), 'every 1m');
  assert.match(await page.textContent('#datalogger-system'), new RegExp(`127\\.0\\.0\\.1:${ftpPort}`));
  assert.match(await page.textContent('#datalogger-system'), /set \(not shown\)/);
  // nothing listens on the port yet: the page says the delivery fails
  await page.waitForSelector('#datalogger-failing.error', { timeout: 60000 });
  await screenshot(page, 'datalogger-failing');
});

test('send now delivers to the FTP server and the page shows the new "delivered up to"', async () => {
  // A backoff with at least 4 s to go: the files then come from "send now", not from a retry.
  await until('a backoff of 4 s or more', async () => {
    const s = (await apiCall('GET', '/datalogger')).body;
    return s?.retry_at && Date.parse(s.retry_at) - Date.now() >= 4000;
  }, 90000);
  const before = (await apiCall('GET', '/datalogger')).body.plans.find((p) => p.type === 'index').delivered_until;
  ftp = await startFtp();
  await page.click('#datalogger-send-now');
  await page.waitForSelector('#datalogger-sent', { timeout: 60000 });
  const statuses = await page.$$eval('#datalogger-sent tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[3].textContent]));
  assert.ok(statuses.length > 0);
  for (const [file, st] of statuses) assert.equal(st, 'sent', file);
  const index = statuses.map(([f]) => f).filter((f) => /^box-01_index_all_\d{14}\.csv$/.test(f));
  assert.ok(index.length > 0, JSON.stringify(statuses));
  for (const f of index) assert.ok(inbox().includes(f), `${f} is on the server`);
  // The cursor moved past what was delivered before, at least to the last index file sent (the
  // exporter's own thread may have sent a later period since), and the page shows where it is.
  const last = index[index.length - 1].match(/_(\d{14})\.csv$/)[1];
  const lastEnd = Date.parse(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6, 8)}T${last.slice(8, 10)}:${last.slice(10, 12)}:${last.slice(12, 14)}Z`);
  await until('the page showing the delivered-up-to of the status', async () => {
    const now = (await apiCall('GET', '/datalogger')).body.plans.find((p) => p.type === 'index').delivered_until;
    assert.ok(now && Date.parse(now) >= lastEnd && (!before || Date.parse(now) > Date.parse(before)), `${before} -> ${now}`);
    const shown = await page.evaluate((iso) => new Date(iso).toLocaleString(), now);
    return (await cell('index', 4)) === shown;
  }, 20000);
  await screenshot(page, 'datalogger-sent');
});

test('editing a plan\'s period in the Planning form saves it and the status shows it', async () => {
  await page.click('#datalogger-tab-planning-button');
  const row = '#datalogger-plans tr.dl-plan[data-index="1"]';
  assert.equal(await page.inputValue(`${row} [data-path$=".type"]`), 'measurement');
  assert.equal(await page.inputValue(`${row} .dl-count`), '1');
  assert.equal(await page.inputValue(`${row} [data-path$=".every.unit"]`), 'm');
  await page.fill(`${row} .dl-count`, '2');
  await page.click('#datalogger-save');
  await page.waitForSelector('#datalogger-saved', { timeout: 30000 });
  assert.match(readFileSync(site.siteFile, 'utf8'), /every: ['"]?2m\b/);
  // applied as a reload: the running exporter's status has the new schedule
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'every 2m',
    `${planRow('measurement')} td:nth-child(3)`, { timeout: 30000 });
  assert.equal(await cell('index', 3), 'every 30s');
  // the password was not sent back: the site keeps it
  const doc = (await apiCall('GET', '/config')).body;
  assert.equal(doc.site.plugins.exporter_files.server.password, null);
  assert.match(readFileSync(site.siteFile, 'utf8'), /password: ['"]?p['"]?[\s,}]/);
  await screenshot(page, 'datalogger-planning-saved');
});

test('an invalid port is refused at its field and the site file is untouched', async () => {
  const file = readFileSync(site.siteFile);
  await page.click('#datalogger-tab-system-button');
  const port = '[data-path="plugins.exporter_files.server.port"]';
  await page.fill(port, '70000');
  await page.click('#datalogger-save');
  await page.waitForSelector('#datalogger-save-refused', { timeout: 30000 });
  assert.equal(await page.getAttribute(port, 'aria-invalid'), 'true');
  const note = await page.textContent(`.field-error[data-error-path="plugins.exporter_files.server.port"]`);
  assert.match(note, /70000/);
  assert.ok(readFileSync(site.siteFile).equals(file), 'the site file is untouched');
  // the running settings did not change either
  assert.match(await page.textContent('#datalogger-system'), new RegExp(`127\\.0\\.0\\.1:${ftpPort}`));
  await screenshot(page, 'datalogger-port-refused');
});
