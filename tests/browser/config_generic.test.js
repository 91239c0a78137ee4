// A generic Modbus device configured from the browser (issue 15, manual §8.2.7, §8.4): created in
// the Sources tab from the reference "Generic Modbus device" (the last one offered), given a
// second circuit in the Circuits tab, and a custom data whose Modbus properties (source,
// circuit, coefficient, frame name, address, type, function) are set in the Custom data tab; a
// bad address shows the server's error beside the field and leaves the file untouched; once
// saved, Monitor shows the value gridscope-sim serves at that register, scaled, within 10 s and
// without a restart; deleting the data deletes its mappings.
//
// The web server still restarts after each save (~2 s, until ui_web keeps it across a reload):
// the page's own requests wait for it (config/devices/model.js, config/editing.js), and this
// file's navigations try again only when the connection is refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Site, build, freePort, launchBrowser, login, screenshot } from './harness.js';

const ADMIN = 'admin password 1';
const SAVED = { timeout: 45000 }; // a PUT waits for a reload under way (docs/api.md: up to 30 s)
const site = new Site();
let browser;
let page;
let sim;
let simPort;
const errors = [];

// The device the browser will describe: a generic Modbus device at unit 3 whose register 10
// (holding, u16) holds the tank pressure in hundredths of a bar. gridscope-sim serves it from its
// own site file (the running site does not know it yet), the value fixed at 4.25 bar.
async function startDevice() {
  simPort = await freePort();
  const file = join(site.dataDir, 'device.yaml');
  writeFileSync(file, `site: {name: the device, timezone: UTC}
data:
  - {name: TankPressure, type: measure, group: custom, unit: bar}
sources:
  - name: boiler
    profile: generic/modbus
    tcp: "127.0.0.1:${simPort}"
    unit: 3
    simulate: {values: {TankPressure: 4.25}}
    circuits: [{index: 2}]
    points:
      - {data: TankPressure, circuit: 2, address: 10, type: u16, coefficient: 0.01}
`);
  sim = spawn(join(build, 'bin/gridscope-sim'), ['--site', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('gridscope-sim (device) not ready:\n' + log)), 20000);
    sim.stdout.on('data', (d) => { log += d; if (String(d).includes('gridscope-sim: ready')) { clearTimeout(timer); ok(); } });
    sim.stderr.on('data', (d) => { log += d; });
  });
}

before(async () => {
  await site.start();
  site.setPassword('admin', ADMIN);
  await startDevice();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e));
  await login(page, site.url, 'admin', ADMIN);
});

after(async () => {
  if (sim && sim.exitCode === null) sim.kill('SIGTERM');
  await browser?.close();
  await site.stop();
  site.cleanup();
});

const siteText = () => readFileSync(site.siteFile, 'utf8');

// Opens a page once the server answers: a navigation refused by the network (the server
// restarting after a save) is tried again, anything else fails at once.
async function open(hash, ready) {
  for (let i = 1; ; i++) {
    await page.goto('about:blank');
    try {
      await page.goto(`${site.url}/${hash}`);
    } catch (e) {
      if (!/ERR_CONNECTION_REFUSED|ERR_SOCKET_NOT_CONNECTED|ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_EMPTY_RESPONSE/.test(e.message) || i >= 40) throw e;
      await page.waitForTimeout(250);
      continue;
    }
    await page.waitForSelector(ready, { timeout: 15000 });
    return;
  }
}

// The tab's note says the save was taken (else the failure says what the page showed).
async function saved(noteId) {
  try {
    await page.waitForFunction((n) => document.querySelector(`#${n}`)?.classList.contains('ok'), noteId, SAVED);
  } catch {
    const shown = await page.$$eval('.config-error-summary, .field-error', (els) => els.map((x) => x.textContent).join(' | '));
    throw new Error(`not saved: "${await page.textContent('#' + noteId)}" ${shown}\n${site.log.slice(-1500)}`);
  }
}

test('a generic Modbus device, a circuit added and a custom data mapped show the value in Monitor', async () => {
  // 1. Sources: "Generic Modbus device" is the last reference offered.
  await open('#/config?tab=sources', '#config-sources .devices-table');
  await page.click('#source-create');
  const options = await page.$$eval('#source-new-reference option', (os) => os.map((o) => [o.value, o.textContent, o.parentElement.tagName]));
  assert.deepEqual(options.at(-1), ['generic/modbus', 'Generic Modbus device', 'OPTGROUP']);
  assert.ok(!options.some(([v]) => v.includes('@')), 'a source\'s own profile is no reference');
  await page.selectOption('#source-new-reference', 'generic/modbus');
  await page.fill('#source-new-name', 'boiler');
  await page.fill('#source-new-zone', 'Plant room');
  await page.selectOption('#source-new-protocol', 'tcp');
  await page.fill('#source-new-address', `127.0.0.1:${simPort}`);
  await page.fill('#source-new-unit', '3');
  await page.click('#source-new-save');
  await saved('sources-note');
  assert.match(siteText(), /profile: generic\/modbus/);

  // 2. Circuits: the generic device takes a second circuit, which the kernel accepts.
  await open('#/config?tab=circuits', '#config-circuits .devices-table');
  const add = page.locator('#config-circuits tr[data-source=boiler] button[data-action=add-circuit]');
  assert.equal(await add.count(), 1);
  await add.click();
  await saved('circuits-note');
  await page.waitForSelector('#config-circuits tr[data-source=boiler] >> text=boiler/2');
  assert.match(siteText(), /index: 2/);
  await screenshot(page, 'config-generic-circuits');

  // 3. Custom data: TankPressure with its Modbus properties on boiler's circuit 2. A bad
  // address first: the server's error beside the field, the file untouched.
  await open('#/config?tab=custom-data', '#cfg-data-add');
  await page.click('#cfg-data-add');
  await page.selectOption('#cfg-data-type', 'measure');
  await page.fill('#cfg-data-name', 'TankPressure');
  await page.fill('#cfg-data-description', 'Boiler tank pressure');
  await page.fill('#cfg-data-unit', 'bar');
  await page.click('#cfg-data-add-point');
  const row = page.locator('#cfg-data-points tbody tr').last();
  await row.locator('select[aria-label=Source]').selectOption({ label: 'boiler' });
  await row.locator('input[data-key=circuit]').fill('2');
  await row.locator('input[data-key=coefficient]').fill('0.01');
  await row.locator('input[data-key=frame]').fill('tank');
  await row.locator('input[data-key=address]').fill('70000');
  await row.locator('select[data-key=type]').selectOption('u16');
  await row.locator('select[data-key=function]').selectOption('3');
  const before = siteText();
  await page.click('#cfg-data-save');
  const fieldError = page.locator('#cfg-data-points .field-error');
  await fieldError.waitFor(SAVED);
  const path = await fieldError.getAttribute('data-error-path');
  assert.match(path, /^sources\[\d+\]\.points\[0\]\.address$/);
  assert.equal(await row.locator('input[data-key=address]').getAttribute('aria-invalid'), 'true');
  assert.equal(siteText(), before);
  await screenshot(page, 'config-generic-field-error');

  await row.locator('input[data-key=address]').fill('10');
  const t0 = Date.now();
  await page.click('#cfg-data-save');
  await page.waitForSelector('#cfg-data-custom tr[data-name=TankPressure]', SAVED);
  const text = siteText();
  assert.match(text, /points:\n\s+- \{?data: TankPressure/);
  assert.match(text, /address: 10/);
  assert.match(text, /coefficient: 0\.01/);

  // 4. Monitor: the register's value, scaled (425 x 0.01 bar), within 10 s, without a restart.
  await open('#/monitor?source=boiler&circuit=2&view=data-table', '#monitor-panel');
  const value = '#monitor-panel .value[data-name=TankPressure]:not(.stale):not(.nodata)';
  await page.waitForSelector(value, { timeout: Math.max(1000, 10000 - (Date.now() - t0)) });
  assert.ok(Date.now() - t0 < 10000, `value after ${Date.now() - t0} ms`);
  assert.match(await page.textContent(value), /^4[.,]25 bar$/);
  await screenshot(page, 'config-generic-monitor');

  // The Modbus properties read back in the Custom data tab, editable.
  await open('#/config?tab=custom-data', '#cfg-data-custom');
  await page.click('#cfg-data-custom tr[data-name=TankPressure] button[data-action=edit]');
  assert.equal(await page.inputValue('#cfg-data-points tbody tr input[data-key=address]'), '10');
  assert.equal(await page.inputValue('#cfg-data-points tbody tr input[data-key=coefficient]'), '0.01');

  // Deleting the data takes its mappings with it: the save passes, no point is left behind.
  page.once('dialog', (d) => d.accept());
  await page.click('#cfg-data-custom tr[data-name=TankPressure] button[data-action=delete]');
  await page.waitForSelector('#cfg-data-custom tr[data-name=TankPressure]', { state: 'detached', ...SAVED });
  await page.waitForSelector('.cfgx-saved', SAVED);
  assert.doesNotMatch(siteText(), /TankPressure/);
  assert.match(siteText(), /name: boiler/);
  assert.deepEqual(errors, []);
});
