// The Trends page (issue 13) in a real browser against the real store: a year of one-minute
// P and V1 of `hvac` (with one spike of P) written into the store before the site starts, then
// live values on top. Two units give two axes; the spike shows at full range; a drag zooms and
// fetches finer data, back and forward return; the CSV is the table; a favourite survives a
// reload; a legend click hides its curve; stacked charts share the time axis.
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Site, build, launchBrowser, login, screenshot } from './harness.js';
import { DAY, fillHistory } from './history_fill.js';

const now = Date.now();
const yearFrom = now - 366 * DAY;
const spikeAt = now - 100 * DAY;
const site = new Site({
  plugins: ['storage_rocksdb: {}'],
  beforeRun: (s) => fillHistory(build, s.dataDir, ['hvac/1/IPSumInst=50000', 'hvac/1/IV1Inst=230'],
    { endMs: now - 60000, spike: { index: 0, at: spikeAt, value: 250000 } }),
});
let browser;
let page;
const historyCalls = [];

before(async () => {
  await site.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
  page.on('request', (r) => { if (r.url().includes('/api/v1/history?')) historyCalls.push(new URL(r.url()).searchParams); });
  await login(page, site.url, 'user');
});

after(async () => {
  await browser?.close();
  await site.stop();
  site.cleanup();
});

// The uPlot instances on screen, as plain facts.
const charts = () => page.evaluate(async () => {
  const { currentCharts } = await import(window.gsStatic + 'js/pages/trends/chart.js');
  return currentCharts().map((u) => ({
    units: u.root.parentElement.dataset.units,
    axes: u.axes.map((a) => ({ scale: a.scale, side: a.side })),
    scales: Object.fromEntries(Object.entries(u.scales).map(([k, s]) => [k, [s.min, s.max]])),
    shown: u.series.map((s) => s.show),
    labels: u.series.map((s) => s.label),
    data: u.data.map((col) => col.length),
    maxOfFirst: Math.max(...u.data[2].filter((v) => v !== null)),
    x: [u.data[0][0], u.data[0][u.data[0].length - 1]],
    sync: u.cursor.sync?.key,
  }));
});

async function drawn() {
  const before = await page.getAttribute('.trends-charts', 'data-drawn');
  return async () => page.waitForFunction((b) => document.querySelector('.trends-charts')?.dataset.drawn !== b, before);
}

// The Trends page over [from, to) with hvac's P and V1 ticked.
async function openYear(from = yearFrom, to = now) {
  await page.goto(`${site.url}/#/trends?from=${from}&to=${to}`);
  await page.waitForSelector('.perimeter .node[data-source=hvac]');
  await page.click('.perimeter .node[data-source=hvac]');
  await page.waitForSelector('label.check:has-text("P total") input');
  await page.check('label.check:has-text("P total") input');
  await page.check('label.check:has-text("V1") input');
  await page.waitForFunction(() => document.querySelectorAll('.trends-chart').length === 1 &&
    document.querySelector('.trends-chart').dataset.units === 'W,V');
}

describe('Trends', () => {
  test('two units give two axes, one on each side', async () => {
    await openYear();
    const [c] = await charts();
    assert.equal(c.units, 'W,V');
    const y = c.axes.slice(1);
    assert.deepEqual(y.map((a) => a.scale), ['u:W', 'u:V']);
    assert.deepEqual(y.map((a) => a.side), [3, 1]); // left, right
    assert.ok(c.scales['u:W'][0] === 0, 'the scale starts at 0 by default');
    await screenshot(page, 'trends-two-axes');
  });

  test('the one-year spike is visible at full range', async () => {
    const [c] = await charts();
    assert.ok(c.x[1] - c.x[0] > 360 * DAY, `the chart spans the year: ${c.x}`);
    assert.ok(c.data[0] <= 2000, `at most 2000 points per series: ${c.data[0]}`);
    assert.equal(c.maxOfFirst, 250000, 'the bucket holding the spike has it as its max');
    assert.ok(c.scales['u:W'][1] >= 250000, `the W axis reaches the spike: ${c.scales['u:W']}`);
    // min-max scale: the W axis no longer starts at 0
    const wait = await drawn();
    await page.check('input[name=scale][value=minmax]');
    await wait();
    const [m] = await charts();
    assert.ok(m.scales['u:W'][0] > 0, `min-max scale: ${m.scales['u:W']}`);
    await page.check('input[name=scale][value=zero]');
  });

  test('series are aligned on one time column, with shared or different buckets', async () => {
    const got = await page.evaluate(async () => {
      const { alignSeries } = await import(window.gsStatic + 'js/pages/trends/chart.js');
      const a = { points: [[10, 1, 3, 2], [20, 4, 6, 5]] };
      const b = { points: [[10, 7, 9, 8], [20, 10, 12, 11]] };
      const gap = { points: [[20, 13, 15, 14], [30, 16, 18, 17]] };
      return { shared: alignSeries([a, b]), different: alignSeries([a, gap]), none: alignSeries([]) };
    });
    // the same buckets: each series' columns as they are (the path without a merge)
    assert.deepEqual(got.shared, { times: [10, 20], columns: [
      { min: [1, 4], max: [3, 6], avg: [2, 5] }, { min: [7, 10], max: [9, 12], avg: [8, 11] }] });
    // other buckets: one merged column, nulls where a series has no bucket (a gap stays a gap)
    assert.deepEqual(got.different, { times: [10, 20, 30], columns: [
      { min: [1, 4, null], max: [3, 6, null], avg: [2, 5, null] },
      { min: [null, 13, 16], max: [null, 15, 18], avg: [null, 14, 17] }] });
    assert.deepEqual(got.none, { times: [], columns: [] });
  });

  test('a drag zooms and fetches finer data; back and forward', async () => {
    await page.waitForSelector('.trends-chart .u-over');
    const box = await page.locator('.trends-chart .u-over').boundingBox();
    const [before] = await charts();
    const calls = historyCalls.length;
    const wait = await drawn();
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.70, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.71, y, { steps: 5 });
    await page.mouse.up();
    await wait();
    assert.ok(historyCalls.length > calls, 'the zoom asked the server');
    const q = historyCalls[historyCalls.length - 1];
    const span = Date.parse(q.get('to')) - Date.parse(q.get('from'));
    assert.ok(span < 10 * DAY, `the zoomed range is a few days: ${span / DAY} days`);
    const [zoomed] = await charts();
    const step = (c) => (c.x[1] - c.x[0]) / (c.data[0] - 1);
    assert.ok(step(zoomed) < step(before) / 10, `finer data: ${step(zoomed)} ms vs ${step(before)} ms between points`);
    await screenshot(page, 'trends-zoomed');

    let w = await drawn();
    await page.click('#trends-back');
    await w();
    assert.ok((await charts())[0].x[1] - (await charts())[0].x[0] > 360 * DAY, 'back: the year again');
    w = await drawn();
    await page.click('#trends-forward');
    await w();
    const [again] = await charts();
    assert.ok(again.x[1] - again.x[0] < 10 * DAY, 'forward: the zoom again');
  });

  test('the CSV equals the table', async () => {
    // two hours: raw values, one row a minute
    await openYear(now - 3 * 3600000, now - 3600000);
    await page.click('.trends-table-box summary');
    await page.waitForSelector('.trends-table tbody tr');
    const table = await page.$$eval('.trends-table tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    assert.ok(table.length > 100, `a row a minute: ${table.length}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trends-csv')]);
    const text = readFileSync(await download.path(), 'utf8');
    const csv = text.trimEnd().split('\r\n').map((line) => line.split(','));
    assert.deepEqual(csv, table);
    assert.equal(csv[0].length, 7); // time + min, max, mean of two series
  });

  test('a legend click hides its curve; stacked charts share the time axis', async () => {
    await page.click('.trends-chart .u-legend tr.u-series:nth-child(2) th');
    const [c] = await charts();
    assert.deepEqual(c.shown.slice(1, 3), [false, false], 'P and its min-max strokes hidden');
    assert.deepEqual(c.shown.slice(3, 5), [true, true], 'V1 still shown');

    const wait = await drawn();
    await page.check('input[name=mode][value=stacked]');
    await wait();
    const stacked = await charts();
    assert.deepEqual(stacked.map((s) => s.units), ['W', 'V']);
    assert.equal(stacked[0].sync, stacked[1].sync);
    assert.deepEqual(stacked[0].x, stacked[1].x);
    await screenshot(page, 'trends-stacked');
    await page.click('#trends-toggle-config');
    assert.equal(await page.isHidden('#trends-config'), true);
    await page.click('#trends-toggle-config');
    assert.equal(await page.isVisible('#trends-config'), true);
    await page.check('input[name=mode][value=overlay]');
  });

  test('a favourite survives a reload, is applied and deleted', async () => {
    await openYear();
    await page.fill('#fav-name', 'hvac P and V');
    await page.fill('#fav-title', 'HVAC power and voltage');
    await page.click('.fav-form button[type=submit]');
    await page.waitForSelector('.trends-favourites li[data-favourite="hvac P and V"]');
    assert.ok(existsSync(join(site.dataDir, 'trends-favourites.json')));

    await page.goto('about:blank');
    await page.goto(`${site.url}/#/trends?from=${yearFrom}&to=${now}`);
    await page.waitForSelector('.trends-favourites li[data-favourite="hvac P and V"]');
    assert.equal(await page.$('.trends-chart'), null, 'nothing drawn before the favourite is applied');
    await page.click('.trends-favourites li[data-favourite="hvac P and V"] button.link');
    await page.waitForFunction(() => document.querySelector('.trends-chart')?.dataset.units === 'W,V');
    assert.equal(await page.isChecked('label.check:has-text("P total") input'), true);
    await screenshot(page, 'trends-favourite');

    // A favourite's address with a range: the first load keeps its series ids, the next one
    // asks its history at once (boot.js), before the series list is in, and the page draws
    // that answer without asking again.
    const favAddress = `${site.url}/#/trends?${new URLSearchParams({ favourite: 'hvac P and V', from: yearFrom, to: now })}`;
    const loadFavourite = async () => {
      const events = [];
      const onRequest = (r) => { if (r.url().includes('/api/v1/history')) events.push(['request', new URL(r.url()).pathname]); };
      const onResponse = (r) => { if (r.url().includes('/api/v1/history')) events.push(['response', new URL(r.url()).pathname]); };
      page.on('request', onRequest);
      page.on('response', onResponse);
      await page.goto('about:blank');
      await page.goto(favAddress);
      await page.waitForFunction(() => document.querySelector('.trends-charts')?.dataset.drawn);
      page.off('request', onRequest);
      page.off('response', onResponse);
      assert.equal((await charts())[0].units, 'W,V');
      return events;
    };
    await loadFavourite();
    const events = await loadFavourite();
    const historyAsked = events.filter(([kind, path]) => kind === 'request' && path === '/api/v1/history');
    assert.equal(historyAsked.length, 1, `one history request: ${JSON.stringify(events)}`);
    assert.ok(events.findIndex(([kind, path]) => kind === 'request' && path === '/api/v1/history') <
      events.findIndex(([kind, path]) => kind === 'response' && path === '/api/v1/history/series'),
    `the history is asked before the series list is in: ${JSON.stringify(events)}`);

    await page.goto(`${site.url}/#/trends?from=${yearFrom}&to=${now}`);
    await page.waitForSelector('.trends-favourites li[data-favourite="hvac P and V"]');
    await page.click('.trends-favourites li[data-favourite="hvac P and V"] button.iconbtn');
    await page.waitForSelector('.trends-favourites li[data-favourite="hvac P and V"]', { state: 'detached' });
    const stored = JSON.parse(readFileSync(join(site.dataDir, 'trends-favourites.json'), 'utf8'));
    assert.deepEqual(stored.favourites, []);
  });
});
