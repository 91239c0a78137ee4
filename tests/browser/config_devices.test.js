// The Configuration tabs Sources, Circuits and Data (issue 15, manual §8.3) in a real browser
// against the real `gridscope run` and gridscope-sim: a Modbus source created in the Sources
// tab gives values in Monitor within 10 s without a restart; an invalid Modbus unit shows a
// field error and leaves the site file untouched; a bulk edit of circuits' usage changes the
// perimeter; a data disabled in the Data tab is written to the file; Auto discovery finds the
// simulated devices behind a gateway and adds one; and the discovery API refuses what it must
// (roles, CSRF, bad settings, a second scan while one runs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Site, build, freePort, launchBrowser, login, screenshot } from './harness.js';

const site = new Site();
let browser;
let page;
let simPort;
let sim2;
let sim2Port;
const errors = [];

// A second simulator, which the site does not know: a DIRIS A40 at unit 5 behind its own
// gateway, for discovery to find and add. Absent units stay silent (a real RS-485 line).
async function startSecondSimulator() {
  sim2Port = await freePort();
  const file = join(site.dataDir, 'sim2.yaml');
  writeFileSync(file, `site: {name: second gateway, timezone: UTC}\nsources:\n  - name: extra\n    profile: socomec/diris-a40\n    tcp: "127.0.0.1:${sim2Port}"\n    unit: 5\n    simulate: {rated_current_a: 100}\n`);
  sim2 = spawn(join(build, 'bin/gridscope-sim'), ['--site', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('gridscope-sim (second) not ready:\n' + log)), 20000);
    sim2.stdout.on('data', (d) => { log += d; if (String(d).includes('gridscope-sim: ready')) { clearTimeout(timer); ok(); } });
    sim2.stderr.on('data', (d) => { log += d; });
  });
}

before(async () => {
  await site.start();
  simPort = Number(/tcp: "127\.0\.0\.1:(\d+)"/.exec(readFileSync(site.siteFile, 'utf8'))[1]);
  site.setPassword('admin', 'admin password 1');
  site.setPassword('advanced', 'advanced password 1');
  await startSecondSimulator();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e));
  await login(page, site.url, 'admin', 'admin password 1');
});

after(async () => {
  if (sim2 && sim2.exitCode === null) sim2.kill('SIGTERM');
  await browser?.close();
  await site.stop();
  site.cleanup();
});

// The API as the page's session; `csrf: false` leaves the token out.
const apiCall = (method, path, body, { csrf = true } = {}) => page.evaluate(async ([m, p, b, c]) => {
  const s = await (await fetch('/api/v1/session')).json();
  const headers = { 'Content-Type': 'application/json' };
  if (c) headers['X-CSRF-Token'] = s.csrf_token;
  const r = await fetch('/api/v1' + p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [method, path, body, csrf]);

const siteText = () => readFileSync(site.siteFile, 'utf8');

async function openTab(tab) {
  await page.goto('about:blank');
  await page.goto(`${site.url}/#/config?tab=${tab}`);
  await page.waitForSelector(`#config-${tab} .devices-table`);
}

// The tab's note says the save was taken (else the test fails with what the note says).
async function saved(id) {
  try {
    await page.waitForFunction((n) => document.querySelector(`#${n}`)?.classList.contains('ok'), id, { timeout: 25000 });
  } catch (e) {
    const summary = await page.$$eval('.config-error-summary, .field-error', (els) => els.map((x) => x.textContent).join(' | '));
    throw new Error(`not saved: "${await page.textContent('#' + id)}" ${summary}\n${site.log.slice(-1500)}`);
  }
}

describe('Sources tab', () => {
  test('a Modbus source created one by one gives values in Monitor within 10 s, without a restart', async () => {
    await openTab('sources');
    assert.equal(await page.$$eval('#sources-table tbody tr', (rows) => rows.length), 6);
    await page.click('#source-create');
    // Every profile is offered; the generic Modbus devices come last.
    const options = await page.$$eval('#source-new-reference option', (os) => os.map((o) => [o.value, o.parentElement.tagName]));
    assert.ok(options.some(([v]) => v === 'socomec/countis-e2x'));
    assert.equal(options.at(-1)[1], 'OPTGROUP');
    await page.selectOption('#source-new-reference', 'socomec/countis-e2x');
    await page.fill('#source-new-name', 'new-countis');
    await page.fill('#source-new-zone', 'Building C');
    await page.selectOption('#source-new-protocol', 'tcp');
    await page.fill('#source-new-address', `127.0.0.1:${simPort}`);
    await page.fill('#source-new-unit', '2');
    await screenshot(page, 'config-sources-create');
    const t0 = Date.now();
    await page.click('#source-new-save');
    await saved('sources-note');
    assert.match(siteText(), /name: new-countis/);
    await page.waitForSelector('#sources-table tr[data-key="new-countis"]');
    // Monitor: the new device's live values, from the simulator, without a restart.
    await page.goto(`${site.url}/#/monitor?source=new-countis&circuit=1&view=load-power`);
    await page.waitForSelector('#monitor-panel .value[data-name=IPSumInst]:not(.stale):not(.nodata)', { timeout: Math.max(1000, 10000 - (Date.now() - t0)) });
    assert.ok(Date.now() - t0 < 10000, `values after ${Date.now() - t0} ms`);
    assert.match(await page.textContent('#monitor-panel .value[data-name=IPSumInst]'), /^[\d.,]+ k?W$/);
    await screenshot(page, 'config-sources-new-in-monitor');
  });

  test('an invalid Modbus unit shows a field error and leaves the site file untouched', async () => {
    await openTab('sources');
    const before = siteText();
    await page.fill('#sources-search', 'new-countis');
    await page.click('#sources-apply');
    await page.click('#sources-table tr[data-key="new-countis"] button[data-action=edit]');
    const unit = '#sources-table tr.editing input[data-path$=".unit"]';
    await page.fill(unit, '300');
    await page.click('#sources-table tr.editing button[data-action=save]');
    await page.waitForSelector('#sources-table .field-error');
    const error = await page.$eval(unit, (el) => [el.getAttribute('aria-invalid'), document.getElementById(el.getAttribute('aria-describedby'))?.textContent]);
    assert.equal(error[0], 'true');
    assert.match(error[1], /255|unit/i);
    await screenshot(page, 'config-sources-invalid-unit');
    assert.equal(siteText(), before);
  });

  test('disable and delete a selection', async () => {
    await openTab('sources');
    await page.click('#sources-table tr[data-key="new-countis"] button[data-action=disable]');
    await saved('sources-note');
    assert.match(siteText(), /name: new-countis[\s\S]*enabled: false/);
    await page.selectOption('#sources-status', 'disabled');
    await page.click('#sources-apply');
    assert.deepEqual(await page.$$eval('#sources-table tbody tr', (rows) => rows.map((r) => r.dataset.key)), ['new-countis']);
    await page.check('#sources-select-page');
    page.once('dialog', (d) => d.accept());
    await page.click('#sources-delete-selected');
    await saved('sources-note');
    assert.doesNotMatch(siteText(), /new-countis/);
  });
});

describe('Circuits and Data tabs', () => {
  const usageLoads = async (name) => {
    const r = await apiCall('GET', '/perimeter?view=usage');
    const node = (r.body.nodes || []).find((n) => n.name === name);
    return node ? node.loads : 0;
  };

  test('a bulk edit of the circuits\' usage changes the perimeter', async () => {
    assert.equal(await usageLoads('Process'), 0);
    await openTab('circuits');
    await page.check('#circuits-table tr[data-key="hvac/1"] input[type=checkbox]');
    await page.check('#circuits-table tr[data-key="lighting/1"] input[type=checkbox]');
    await page.click('#circuits-edit-selected');
    await page.fill('#circuits-bulk input[list=circuits-usages]', 'Process');
    await screenshot(page, 'config-circuits-bulk');
    await page.click('#circuits-bulk-apply');
    await saved('circuits-note');
    const end = Date.now() + 10000;
    while (await usageLoads('Process') !== 2) {
      assert.ok(Date.now() < end, 'the perimeter did not change');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await page.textContent('#circuits-table tr[data-key="hvac/1"] td:nth-child(6)'), 'Process');
  });

  test('a data disabled in the Data tab is written to the circuit', async () => {
    await openTab('data');
    await page.fill('#data-search', 'IEsInst');
    await page.click('#data-apply');
    const row = '#data-table tr[data-key="diris-main/1/IEsInst"]';
    await page.click(`${row} button[data-action=disable]`);
    await saved('data-note');
    const text = siteText();
    assert.match(text, /name: IEsInst[\s\S]{0,40}enabled: false/);
    await page.waitForSelector(`${row}.disabled`);
  });
});

// GET /discovery/scan once no scan runs (bounded).
async function scanEnded() {
  const end = Date.now() + 15000;
  for (;;) {
    const r = await apiCall('GET', '/discovery/scan');
    if (r.body.scan.state !== 'running' || Date.now() > end) return r;
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

describe('Auto discovery', () => {
  test('finds the simulated devices behind a gateway and adds the one selected', async () => {
    await openTab('sources');
    await page.click('#source-discover');
    await page.waitForSelector('#discovery-setting-tcp');
    await page.fill('#discovery-setting-tcp', `127.0.0.1:${sim2Port}`);
    await page.fill('#discovery-setting-units', '4-6');
    await page.click('#discovery-start');
    await page.waitForSelector('#discovery-table tr.gateway', { timeout: 20000 });
    await page.waitForFunction(() => document.querySelector('#discovery-progress').dataset.state === 'done', null, { timeout: 20000 });
    assert.match(await page.textContent('#discovery-table tr.gateway'), new RegExp(`127\\.0\\.0\\.1:${sim2Port}.*1 device`));
    assert.equal(await page.$eval('#discovery-progress', (p) => p.value === p.max), true);
    await screenshot(page, 'config-sources-discovery');
    await page.check('#discovery-table tr.gateway input');
    await page.click('#discovery-add');
    await saved('sources-note');
    const text = siteText();
    assert.match(text, new RegExp(`profile: socomec/diris-a40[\\s\\S]{0,80}tcp: "?127\\.0\\.0\\.1:${sim2Port}"?[\\s\\S]{0,20}unit: 5`));
    await page.waitForSelector('#sources-table tr[data-key="diris-a40-5"]');
    // Scanned again, it is shown as a source already and not offered.
    await page.click('#discovery-start');
    await scanEnded();
    await page.waitForFunction(() => document.querySelector('#discovery-progress').dataset.state === 'done' && !document.querySelector('#discovery-start').disabled, null, { timeout: 20000 });
    assert.equal(await page.$eval('#discovery-table tr[data-unit="5"] input', (b) => b.disabled), true);
  });

  test('the discovery API: Admin only, CSRF, bad settings, one scan at a time', async () => {
    // The other profiles log in from node (their own sessions).
    const asProfile = async (profile, password) => {
      const r = await fetch(`${site.url}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ profile, password, language: 'en' }) });
      assert.equal(r.status, 200);
      const cookie = r.headers.get('set-cookie').split(';')[0];
      const { csrf_token: csrf } = await r.json();
      return (method, path, body) => fetch(`${site.url}/api/v1${path}`, { method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body) });
    };
    for (const [profile, password] of [['user', ''], ['advanced', 'advanced password 1']]) {
      const call = await asProfile(profile, password);
      assert.equal((await call('GET', '/discovery/scan')).status, 403, profile);
      assert.equal((await call('POST', '/discovery/scan', { driver: 'driver_socomec_diris', settings: { tcp: `127.0.0.1:${sim2Port}` } })).status, 403, profile);
    }
    assert.equal((await fetch(`${site.url}/api/v1/discovery/scan`)).status, 401);
    const good = { driver: 'driver_socomec_diris', settings: { tcp: `127.0.0.1:${sim2Port}`, units: '10-16', timeout_ms: 300 } };
    let r = await apiCall('POST', '/discovery/scan', good, { csrf: false });
    assert.deepEqual([r.status, r.body.error], [403, 'csrf']);
    const bad = [
      [{}, 400, 'invalid_field'],
      [{ driver: 7 }, 400, 'invalid_field'],
      [{ driver: 'driver_socomec_diris', settings: [] }, 400, 'invalid_field'],
      [{ driver: 'driver_socomec_diris', settings: { tcp: true } }, 400, 'invalid_field'],
      [{ driver: 'no_such_driver', settings: {} }, 404, 'unknown_driver'],
      [{ driver: 'driver_modbus', settings: {} }, 404, 'unknown_driver'],
      [{ driver: 'driver_socomec_diris', settings: {} }, 400, 'invalid_setting'],
      [{ driver: 'driver_socomec_diris', settings: { tcp: '127.0.0.1:1', bogus: 'x' } }, 400, 'invalid_setting'],
      [{ driver: 'driver_socomec_diris', settings: { tcp: '127.0.0.1:1', timeout_ms: 'soon' } }, 400, 'invalid_setting'],
      [{ driver: 'driver_socomec_diris', settings: { tcp: 'no port here' } }, 400, 'invalid_setting'],
      [{ driver: 'driver_socomec_diris', settings: { tcp: '127.0.0.1:1', units: '1-999' } }, 400, 'invalid_setting'],
    ];
    for (const [body, status, code] of bad) {
      r = await apiCall('POST', '/discovery/scan', body);
      assert.deepEqual([r.status, r.body?.error], [status, code], JSON.stringify(body));
    }
    await scanEnded(); // the page's scan, if any
    r = await apiCall('POST', '/discovery/scan/cancel', {});
    assert.deepEqual([r.status, r.body.error], [409, 'not_running']);
    // Seven silent units at 300 ms: about 2 s of scan, during which a second start is refused.
    r = await apiCall('POST', '/discovery/scan', good);
    assert.equal(r.status, 202);
    assert.equal(r.body.scan.state, 'running');
    r = await apiCall('POST', '/discovery/scan', good);
    assert.deepEqual([r.status, r.body.error], [409, 'busy']);
    r = await apiCall('GET', '/discovery/scan');
    assert.equal(r.status, 200);
    assert.ok(r.body.drivers.some((d) => d.id === 'driver_socomec_diris' && d.settings.some((s) => s.key === 'tcp' && s.address)));
    assert.equal(r.body.scan.total, 7);
    r = await apiCall('POST', '/discovery/scan/cancel', {});
    assert.equal(r.status, 200);
    r = await scanEnded();
    assert.ok(['cancelled', 'done'].includes(r.body.scan.state), r.body.scan.state);
    assert.deepEqual(r.body.devices, []);
    assert.deepEqual(errors, []);
  });
});
