// The Alarms and events page (manual §7.3, issue 14 item 5) in a real browser against the real
// alarm engine: the test site gets two rules that fire at once on its virtual meters (hvac's
// frequency above 10 Hz: high; lighting's below 1000 Hz: low). A User sees the fired alarm,
// filters by criticality, opens the details, and cannot acknowledge (no control; the API says
// 403); an Advanced user acknowledges it in another browser and the User's page shows the new
// state without a reload (the live stream); the zip export's CSV rows are the rows listed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Site, launchBrowser, login, screenshot } from './harness.js';

const RULES = `
alarms:
  - name: hvac-freq-high
    data: IFreqInst
    sources: [hvac]
    high: 10
    deadband: "2%"
    criticality: high
    message: {en: "HVAC frequency high: {value}", fr: "Fréquence CVC haute : {value}"}
  - {name: lighting-freq-low, data: IFreqInst, sources: [lighting], low: 1000, criticality: low}
`;
const site = new Site({
  beforeRun: (s) => {
    writeFileSync(s.siteFile, readFileSync(s.siteFile, 'utf8') + RULES);
    s.setPassword('advanced', 'advanced-pass-1');
  },
});
let userBrowser;
let advancedBrowser;
let page; // the User's

before(async () => {
  await site.start();
  userBrowser = await launchBrowser();
  page = await userBrowser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await login(page, site.url, 'user');
});

after(async () => {
  await userBrowser?.close();
  await advancedBrowser?.close();
  await site.stop();
  site.cleanup();
});

// The rows listed: [{id, rule, criticality, status}]
async function listed(p = page) {
  return p.$$eval('#alarms-table tbody tr[data-id]', (trs) => trs.map((tr) => ({
    id: Number(tr.dataset.id), type: tr.dataset.type, criticality: tr.dataset.criticality,
    rule: tr.children[tr.children.length - 4].firstChild.textContent,
    status: tr.querySelector('td.status').dataset.status,
  })));
}

// Waits until the table shows `count` rows (when given), all of `criticality` (when given),
// one of them in `status` (when given).
async function waitRows(p, want) {
  await p.waitForFunction((w) => {
    const rows = [...document.querySelectorAll('#alarms-table tbody tr[data-id]')];
    if (!rows.length || (w.count !== undefined && rows.length !== w.count)) return false;
    if (w.criticality && !rows.every((r) => r.dataset.criticality === w.criticality)) return false;
    return !w.status || rows.some((r) => r.querySelector('td.status').dataset.status === w.status);
  }, want, { timeout: 20000 });
}

test('the fired alarms are listed, newest first, with their criticality', async () => {
  await page.goto(site.url + '/#/alarms');
  await waitRows(page, { count: 2 });
  const rows = await listed();
  assert.deepEqual(rows.map((r) => r.rule).sort(), ['hvac-freq-high', 'lighting-freq-low']);
  const high = rows.find((r) => r.rule === 'hvac-freq-high');
  assert.equal(high.criticality, 'high');
  assert.equal(high.status, 'active-unacknowledged');
  assert.match(await page.textContent(`#alarms-table tr[data-id="${high.id}"]`), /HVAC frequency high: /);
  // the KPIs of the period count them
  assert.equal(await page.textContent('#alarms-kpis [data-kpi=standing] .kpi-value'), '2');
  assert.equal(await page.textContent('#alarms-kpis [data-kpi=unacked] .kpi-value'), '2');
  await screenshot(page, 'alarms-list');
});

test('filtering by criticality keeps the high alarm only', async () => {
  await page.check('#alarms-criticality input[value=high]');
  await page.click('#alarms-apply');
  await waitRows(page, { count: 1, criticality: 'high' });
  assert.deepEqual((await listed()).map((r) => r.rule), ['hvac-freq-high']);
  assert.match(await page.textContent('#alarms-count'), /1–1 of 1/);
});

test('the details show the rule, its threshold, deadband and times', async () => {
  await page.click('#alarms-table tbody tr[data-id]');
  await page.waitForSelector('#alarms-details:not([hidden])');
  assert.equal(await page.textContent('#alarms-details dd[data-field=rule]'), 'hvac-freq-high');
  assert.match(await page.textContent('#alarms-details dd[data-field=thresholds]'), /high: 10/);
  assert.equal(await page.textContent('#alarms-details dd[data-field=deadband]'), '2%');
  assert.match(await page.textContent('#alarms-details dd[data-field=raised]'), /\d\d:\d\d:\d\d/);
  assert.equal(await page.textContent('#alarms-details dd[data-field=acked_by]'), '—');
  await screenshot(page, 'alarms-details');
});

test('a User cannot acknowledge: no control, and the API refuses (403)', async () => {
  assert.equal(await page.$('#alarms-ack'), null);
  assert.equal(await page.$('#alarms-ack-selected'), null);
  assert.equal(await page.$('#alarms-shelve'), null);
  const id = (await listed())[0].id;
  const status = await page.evaluate(async (alarmId) => {
    const session = await (await fetch('/api/v1/session')).json();
    const res = await fetch('/api/v1/alarms/ack', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
      body: JSON.stringify({ ids: [alarmId] }),
    });
    return res.status;
  }, id);
  assert.equal(status, 403);
});

test('an Advanced user acknowledges it; the User\'s page shows the change live', async () => {
  const id = (await listed())[0].id;
  // Marks the User's document: a reload or navigation would lose the mark.
  await page.evaluate(() => { window.gsNotReloaded = true; });
  const loadsBefore = await page.getAttribute('#alarms-page', 'data-loaded');
  advancedBrowser = await launchBrowser();
  const adv = await advancedBrowser.context.newPage();
  adv.on('pageerror', (e) => { throw e; });
  await login(adv, site.url, 'advanced', 'advanced-pass-1');
  await adv.goto(site.url + '/#/alarms');
  await waitRows(adv, { count: 2 });
  await adv.click(`#alarms-table tr[data-id="${id}"]`);
  await adv.fill('#alarms-ack-comment', 'load shedding started');
  await adv.click('#alarms-ack');
  await waitRows(adv, { status: 'active-acknowledged' });
  await screenshot(adv, 'alarms-acknowledged');
  // The User's page was not reloaded: the live stream brought the change.
  await waitRows(page, { count: 1, status: 'active-acknowledged' });
  assert.notEqual(await page.getAttribute('#alarms-page', 'data-loaded'), loadsBefore);
  assert.equal(await page.evaluate(() => window.gsNotReloaded), true);
  assert.equal(await page.textContent(`#alarms-table tr[data-id="${id}"] td:last-child`), 'advanced');
  assert.equal(await page.textContent('#alarms-details dd[data-field=acked_by]'), 'advanced');
  assert.equal(await page.textContent('#alarms-details dd[data-field=ack_comment]'), 'load shedding started');
  assert.equal(await page.textContent('#alarms-kpis [data-kpi=unacked] .kpi-value'), '1');
});

// The files of a zip (Python's zipfile: Debian's python3).
function unzip(path) {
  const r = spawnSync('/usr/bin/python3', ['-c',
    'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))', path],
  { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// RFC 4180 lines without quoted line breaks, split on commas outside quotes.
function csvRows(text) {
  return text.split('\r\n').filter((l) => l).map((line) => {
    const fields = [''];
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i];
      if (c === '"' && quoted && line[i + 1] === '"') { fields[fields.length - 1] += '"'; i += 1; }
      else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) fields.push('');
      else fields[fields.length - 1] += c;
    }
    return fields;
  });
}

test('the zip export holds alarms.csv and events.csv with the rows listed', async () => {
  await page.click('#alarms-reset');
  await waitRows(page, { count: 2 });
  const shown = await listed();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#alarms-export')]);
  assert.match(download.suggestedFilename(), /^alarms-events-\d{4}-\d\d-\d\d\.zip$/);
  const files = unzip(await download.path());
  assert.deepEqual(Object.keys(files).sort(), ['alarms.csv', 'events.csv']);
  const [head, ...rows] = csvRows(files['alarms.csv']);
  const col = (name) => head.indexOf(name);
  assert.deepEqual(rows.map((r) => Number(r[col('id')])), shown.map((r) => r.id));
  assert.deepEqual(rows.map((r) => r[col('rule')]), shown.map((r) => r.rule));
  assert.deepEqual(rows.map((r) => r[col('criticality')]), shown.map((r) => r.criticality));
  assert.deepEqual(rows.map((r) => r[col('isa_state')]), shown.map((r) => r.status));
  const high = rows.find((r) => r[col('rule')] === 'hvac-freq-high');
  assert.equal(high[col('acked_by')], 'advanced');
  assert.equal(high[col('ack_comment')], 'load shedding started');
  // the site's zone (Europe/Paris, December: +01:00)
  assert.match(high[col('raised')], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+01:00$/);
  assert.deepEqual(csvRows(files['events.csv']).length, 1); // no voltage event: the header
});
