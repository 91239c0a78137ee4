// The Diagnostics page (manual §8 "Diagnosis", issue 15 item 4) and the Profile page (§4
// "Customise") in a real browser: the Admin sees the versions and plugins, the DIRIS A40 that
// gridscope-sim serves as a live source whose counters move, and the bus view of its link with
// the hex frames of the real Modbus exchange; a User gets no Diagnostics page (and 403 from the
// API). On the Profile page the Admin's password change refuses a wrong current password and
// a mismatch at their fields, then takes; the new password logs in, the old one no more.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Site, launchBrowser, login, screenshot } from './harness.js';

const OLD_PW = 'admin-pass-1';
const NEW_PW = 'admin-pass-2-changed';
const site = new Site({ beforeRun: (s) => s.setPassword('admin', OLD_PW) });
let browser;
let page;

before(async () => {
  await site.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await login(page, site.url, 'admin', OLD_PW);
});

after(async () => {
  await browser?.close();
  await site.stop();
  site.cleanup();
});

// The requests counter of a source's row, as shown.
const requestsOf = (source) => page.$eval(`#diag-sources tr[data-source="${source}"] .diag-requests`, (td) => Number(td.textContent));

test('the Admin sees the global part: version, ABI, plugins running, process, storage', async () => {
  await page.goto(site.url + '/#/diagnostics');
  await page.waitForSelector('#diag-plugins tr[data-plugin=driver_modbus]');
  assert.match(await page.textContent('#diag-version'), /\d+\.\d+\.\d+/);
  assert.match(await page.textContent('#diagnostics-global'), /1\.6/);
  assert.match(await page.textContent('#diag-plugins tr[data-plugin=driver_modbus]'), /running/);
  assert.match(await page.textContent('#diag-plugins tr[data-plugin=ui_web]'), /running/);
  assert.match(await page.textContent('#diag-uptime'), /\d\d:\d\d:\d\d/);
  assert.match(await page.textContent('#diag-memory'), /MiB/);
  assert.match(await page.textContent('#diag-storage'), /B \(/);
});

test('the live Modbus source is online and its counters move', async () => {
  const row = '#diag-sources tr[data-source="diris-main"]';
  await page.waitForFunction((sel) => {
    const tr = document.querySelector(sel);
    return tr && tr.querySelector('.diag-state').textContent === 'online' && Number(tr.querySelector('.diag-requests').textContent) > 0;
  }, row, { timeout: 20000 });
  const first = await requestsOf('diris-main');
  assert.equal(await page.textContent(`${row} .diag-timeouts`), '0');
  assert.match(await page.textContent(`${row} .diag-response`), /\d+\.\d ms/);
  assert.match(await page.textContent(`${row} .diag-last-good`), /\d/);
  assert.match(await page.textContent(`${row} td:nth-child(2)`), /^tcp 127\.0\.0\.1:\d+$/);
  // the page refreshes itself every 5 s
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel + ' .diag-requests').textContent) > n,
    [row, first], { timeout: 20000 });
  assert.match(await page.textContent('#diag-links tbody tr .diag-utilisation'), /\d+\.\d %/);
  await screenshot(page, 'diagnostics-devices');
});

test('the bus view shows the hex frames of the real exchange', async () => {
  await page.click('#diag-links tbody tr button');
  await page.waitForSelector('#diagnostics-bus:not([hidden])');
  // recording starts when the view opens: frames come within a couple of polls
  await page.waitForFunction(() => document.querySelectorAll('#diag-frames tr[data-direction=received] .diag-hex').length > 0 &&
    document.querySelectorAll('#diag-frames tr[data-direction=sent] .diag-hex').length > 0, null, { timeout: 20000 });
  const frames = await page.$$eval('#diag-frames tbody tr[data-direction]', (trs) => trs.map((tr) => ({
    direction: tr.dataset.direction, unit: tr.children[2].textContent, hex: tr.querySelector('.diag-hex').textContent,
    note: tr.children[4].textContent })));
  const sent = frames.find((f) => f.direction === 'sent' && f.unit === '1');
  assert.ok(sent, JSON.stringify(frames.slice(0, 4)));
  // Modbus TCP: transaction, protocol 0, length 6, unit 1, function 3 (read holding registers)
  assert.match(sent.hex, /^[0-9A-F]{2} [0-9A-F]{2} 00 00 00 06 01 03 [0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2}$/);
  const answer = frames.find((f) => f.direction === 'received' && f.unit === '1' && f.note === 'good');
  assert.ok(answer);
  assert.match(answer.hex, /^([0-9A-F]{2} ){4}[0-9A-F]{2} [0-9A-F]{2} 01 03( [0-9A-F]{2})+$/);
  await screenshot(page, 'diagnostics-bus');
  await page.click('#diag-bus-close');
  await page.waitForSelector('#diagnostics-bus[hidden]', { state: 'attached' });
});

test('the export link gives the diagnostics zip', async () => {
  const href = await page.getAttribute('#diagnostics-export', 'href');
  const res = await page.evaluate(async (url) => {
    const r = await fetch(url);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('Content-Type'), magic: String.fromCharCode(b[0], b[1]) };
  }, href);
  assert.deepEqual(res, { status: 200, type: 'application/zip', magic: 'PK' });
});

// Logs off through the banner (a logged-in browser is sent from #/login to the home page).
async function logOff() {
  await page.click('[data-nav=logoff]');
  await page.waitForSelector('#login-profile');
}

test('a User has no Diagnostics page, and the API refuses it', async () => {
  await logOff();
  await login(page, site.url, 'user');
  assert.equal(await page.$('.tile[data-page=diagnostics]'), null);
  assert.ok(await page.$('a[data-nav=profile]')); // the Profile page, from the banner
  await page.goto(site.url + '/#/diagnostics');
  await page.waitForSelector('section.forbidden');
  const status = await page.evaluate(async () => (await fetch('/api/v1/diagnostics/report')).status);
  assert.equal(status, 403);
  await page.goto(site.url + '/#/profile');
  await page.waitForSelector('#profile-no-password');
  assert.equal(await page.$('#profile-password-form'), null);
  await logOff();
  await login(page, site.url, 'admin', OLD_PW);
});

test('the Profile page changes the password, with errors at their fields', async () => {
  await page.click('a[data-nav=profile]');
  await page.waitForSelector('#profile-password-form');
  assert.match(await page.textContent('#profile-name'), /Admin/);
  // a wrong current password: at the current password's field
  await page.fill('#profile-current', 'not-the-password');
  await page.fill('#profile-new', NEW_PW);
  await page.fill('#profile-confirm', NEW_PW);
  await page.click('#profile-password-submit');
  await page.waitForSelector('#profile-current-error:not([hidden])');
  assert.match(await page.textContent('#profile-current-error'), /wrong/);
  assert.equal(await page.getAttribute('#profile-current', 'aria-invalid'), 'true');
  // two different new passwords: at the confirmation's field, nothing sent
  await page.fill('#profile-current', OLD_PW);
  await page.fill('#profile-confirm', NEW_PW + 'x');
  await page.click('#profile-password-submit');
  await page.waitForSelector('#profile-confirm-error:not([hidden])');
  assert.equal(await page.isHidden('#profile-current-error'), true);
  await screenshot(page, 'profile-errors');
  // then right
  await page.fill('#profile-confirm', NEW_PW);
  await page.click('#profile-password-submit');
  await page.waitForFunction(() => /changed/.test(document.querySelector('#profile-password-result').textContent), null, { timeout: 10000 });
  // still logged in (a new session), then log off and in with the new password
  const session = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(session, 200);
  await logOff();
  await page.selectOption('#login-profile', 'admin');
  await page.fill('#login-password', OLD_PW);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('#login-error:not([hidden])');
  await login(page, site.url, 'admin', NEW_PW);
  assert.ok(await page.$('.tile[data-page=diagnostics]'));
});
