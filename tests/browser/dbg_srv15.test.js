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
  console.log('TIMING:\n' + site.log.split('\n').filter((l) => /replaced through|kept running|reloaded|instance\(s\)|started|stopped/.test(l)).join('\n'));
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
    try {
      await page.waitForSelector('#monitor-panel .value[data-name=IPSumInst]:not(.stale):not(.nodata)', { timeout: Math.max(1000, 10000 - (Date.now() - t0)) });
    } catch (e) {
      console.log('MAIN:', await page.$eval('main', (m) => m.innerText.slice(0, 2000)).catch(() => '?'));
      console.log('VALUES:', await page.$$eval('#monitor-panel .value', (vs) => vs.map((v) => v.dataset.name + ' ' + v.className + ' ' + v.textContent).slice(0, 10)));
      console.log('LOG:', site.log.slice(-4000));
      throw e;
    }
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

