// Configuration > Backup (issue 15 item 3, manual §3.4) in a real browser against two real
// servers: a backup downloaded from site A's page and restored on site B's page, site B running
// on an empty data folder, gives site B the same site document, in force without a restart; a
// file that is no backup is refused with its errors shown and nothing replaced.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Site, launchBrowser, login } from './harness.js';

const ADMIN = 'admin password 1';
const withAdmin = () => new Site({ plugins: ['storage_rocksdb: {}'], beforeRun: (s) => s.setPassword('admin', ADMIN) });
const siteA = withAdmin();
const siteB = withAdmin();
let browser;
let page; // one page: the two sites are on 127.0.0.1, and a cookie does not tell ports apart

before(async () => {
  await siteA.start();
  await siteB.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
  page.on('dialog', (d) => d.accept());
});

after(async () => {
  await browser?.close();
  for (const s of [siteA, siteB]) {
    await s.stop();
    s.cleanup();
  }
});

const api = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
  const session = await (await fetch('/api/v1/session')).json();
  const r = await fetch('/api/v1' + p, {
    method: m,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token || '' },
    body: b === undefined ? undefined : JSON.stringify(b),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [method, path, body]);

async function openBackupTab(page, url) {
  await page.goto(url + '/#/config?tab=backup');
  await page.locator('#cfg-backup-download').waitFor();
}

test('a backup downloaded from one site and restored on another, on an empty data folder, gives the same site', async () => {
  await login(page, siteA.url, 'admin', ADMIN);
  // Site A gets a name of its own, so the two documents differ before the restore.
  const a = await api(page, 'GET', '/config');
  assert.equal(a.status, 200);
  a.body.site.site.name = 'Backed-up plant';
  const saved = await api(page, 'PUT', '/config', { version: a.body.version, site: a.body.site });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const wanted = (await api(page, 'GET', '/config')).body.site;

  await openBackupTab(page, siteA.url);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#cfg-backup-download')]);
  const archive = join(siteA.dataDir, `gs-backup-${process.pid}.zip`);
  await download.saveAs(archive);
  assert.equal(readFileSync(archive).subarray(0, 2).toString('latin1'), 'PK', 'the download is a zip archive');

  await login(page, siteB.url, 'admin', ADMIN);
  const before = (await api(page, 'GET', '/config')).body.site;
  assert.notDeepEqual(before, wanted);
  await openBackupTab(page, siteB.url);
  await page.setInputFiles('#cfg-restore-file', archive);
  await page.click('#cfg-restore');
  await page.locator('.cfg-backup-result p.ok').waitFor({ timeout: 45000 });

  const after = await api(page, 'GET', '/config');
  assert.equal(after.status, 200, 'the session carried over the restore');
  assert.deepEqual(after.body.site, wanted, 'site B holds site A\'s document');
  // In force, without a restart: the running site answers with the restored name.
  const running = await page.evaluate(async () => (await fetch('/api/v1/site')).json());
  assert.equal(running.name, 'Backed-up plant');
  assert.equal(siteB.proc.exitCode, null, 'site B still runs the same process');
});

test('a file that is not a backup is refused with its errors shown, and nothing is replaced', async () => {
  const bad = join(siteA.dataDir, `gs-not-a-backup-${process.pid}.zip`);
  writeFileSync(bad, 'not a zip archive');
  const before = await api(page, 'GET', '/config');
  await openBackupTab(page, siteB.url);
  await page.setInputFiles('#cfg-restore-file', bad);
  await page.click('#cfg-restore');
  const alert = page.locator('.cfg-backup-result [role=alert]');
  await alert.waitFor();
  assert.ok((await alert.locator('li').count()) >= 1, 'the refusal lists at least one error');
  const now = await api(page, 'GET', '/config');
  assert.equal(now.body.version, before.body.version, 'the site file is untouched');
});
