// The Consumption page (issue 12 items 8-9) in a real browser (Europe/Paris) against the real
// store: 15-minute counter indexes of three loads around both DST changes of 2026, imported
// with `gridscope import` before the site starts. The test site's hierarchy gets a meter on its
// root, so an unmeasured part exists. A DST day shows 23 or 25 hourly bars; the hours sum to
// the day; drill-down and breadcrumb; hiding a load; the CSV equals the table.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Site, build, launchBrowser, login, screenshot } from './harness.js';
import { writeIndexCsv, importCsv } from './consumption_fill.js';

process.env.TZ = 'Europe/Paris'; // the browser's time zone: the site's
const spring = [Date.parse('2026-03-26T00:00:00Z'), Date.parse('2026-04-02T00:00:00Z')];
const autumn = [Date.parse('2026-10-22T00:00:00Z'), Date.parse('2026-10-28T00:00:00Z')];
const site = new Site({
  plugins: ['storage_rocksdb: {}'],
  beforeRun: (s) => {
    // the root is metered by diris-main/1: its unmeasured part = diris − (HVAC + Lighting)
    // and its Lighting node is a son hierarchy, which the perimeter hangs under that node
    writeFileSync(s.siteFile, readFileSync(s.siteFile, 'utf8').replace('      loads: [diris-main/1]\n', '      meter: diris-main/1\n')
      .replace('        - {name: Lighting, loads: [lighting/1]}\n', '        - {name: Lighting, hierarchies: [Lighting circuits]}\n'
        + '  - name: Lighting circuits\n    fluid: electricity\n    root: {name: Floor 1 lighting, loads: [lighting/1]}\n'));
    const csv = writeIndexCsv(s.dataDir, {
      'hvac/1': (i) => 100 + (i % 7) * 10,
      'lighting/1': (i) => 40 + (i % 5),
      'diris-main/1': (i) => 100 + (i % 7) * 10 + 40 + (i % 5) + 25,
    }, [spring, autumn]);
    importCsv(build, s.siteFile, s.dataDir, csv);
  },
});
let browser;
let page;

before(async () => {
  await site.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await login(page, site.url, 'user');
});

after(async () => {
  await browser?.close();
  await site.stop();
  site.cleanup();
});

async function drawn() {
  const before = await page.getAttribute('.consumption-charts', 'data-drawn');
  return async () => page.waitForFunction((b) => document.querySelector('.consumption-charts')?.dataset.drawn !== b, before, { timeout: 20000 });
}

// The perimeter's custom period [from day, to day] (both included), drawn: its first bar starts
// on `from` (a draw of the range before may finish first).
async function period(from, to) {
  const wait = await drawn();
  if (await page.inputValue('#period-preset') !== 'custom') await page.selectOption('#period-preset', 'custom');
  await page.evaluate(([f, t]) => {
    document.getElementById('period-from').value = f;
    const to = document.getElementById('period-to');
    to.value = t;
    to.dispatchEvent(new Event('change'));
  }, [from, to]);
  await wait();
  await page.waitForFunction((f) => document.querySelector('.consumption-table tbody td')?.textContent.startsWith(f), from);
}

const table = () => page.$$eval('.consumption-table tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
const bars = async () => Number(await page.getAttribute('.consumption-chart', 'data-bars'));
const column = (rows, name) => rows[0].findIndex((c) => c.startsWith(name));

async function clickBar(i) {
  const wait = await drawn();
  const at = await page.evaluate(async (idx) => {
    const { currentChart } = await import(window.gsStatic + 'js/pages/consumption/chart.js');
    const u = currentChart();
    const box = u.over.getBoundingClientRect();
    return { x: box.left + u.valToPos(idx, 'x'), y: box.top + box.height - 5 };
  }, i);
  await page.mouse.move(at.x, at.y - 20);
  await page.mouse.click(at.x, at.y);
  await wait();
}

describe('Consumption', () => {
  test('the first hierarchy is shown, by load, with its unmeasured part', async () => {
    await page.goto(`${site.url}/#/consumption`);
    await page.waitForSelector('.perimeter .node');
    await period('2026-03-29', '2026-03-29');
    assert.equal(await page.textContent('.consumption-title'), 'Electricity');
    const parts = await page.$$eval('#consumption-legend .legend-item', (b) => b.map((x) => [x.dataset.part, x.dataset.kind]));
    assert.deepEqual(parts, [['HVAC', 'node'], ['Lighting', 'node'], ['unmeasured', 'unmeasured']]);
    const colour = await page.$eval('#consumption-legend [data-kind=unmeasured] .swatch', (s) => s.style.background);
    assert.equal(colour, 'rgb(158, 158, 158)', 'the unmeasured part has its own colour');
    assert.equal(await page.locator('.consumption-pie path').count(), 3, 'a slice per part');
    // by use: the hierarchy's usages and its unmeasured part
    const wait = await drawn();
    await page.selectOption('#consumption-mode', 'usage');
    await wait();
    const usages = await page.$$eval('#consumption-legend .legend-item', (b) => b.map((x) => [x.dataset.part, x.dataset.kind]));
    assert.deepEqual(usages, [['HVAC', 'usage'], ['Lighting', 'usage'], ['unmeasured', 'unmeasured']]);
    const w = await drawn();
    await page.selectOption('#consumption-mode', 'load');
    await w();
  });

  test('the Fluid view: the consumption of each circuit', async () => {
    await page.selectOption('#perimeter-view', 'fluid');
    await page.waitForSelector('.perimeter .node:has-text("electricity")');
    const wait = await drawn();
    await page.click('.perimeter .node:has-text("electricity") .name');
    await wait();
    const parts = await page.$$eval('#consumption-legend .legend-item', (b) => b.map((x) => [x.dataset.part, x.dataset.kind]));
    assert.ok(parts.length >= 4, `a part per electricity circuit: ${JSON.stringify(parts)}`);
    for (const [name, kind] of parts) {
      assert.equal(kind, 'load');
      assert.match(name, /^[a-z-]+\/1$/);
    }
    assert.ok(parts.some(([n]) => n === 'hvac/1') && parts.some(([n]) => n === 'diris-main/1'));
    assert.ok(!parts.some(([n]) => n === 'chiller/1'), 'chilled water is another fluid');
    assert.equal(await page.isDisabled('#consumption-mode'), true, 'by use needs a hierarchy');
    await page.selectOption('#perimeter-view', 'hierarchy');
    await page.waitForSelector('.perimeter .node:has-text("Electricity")');
    const w = await drawn();
    await page.click('.perimeter .node:has-text("Electricity") .name');
    await w();
    assert.equal(await page.textContent('.consumption-title'), 'Electricity');
  });

  test('2026-03-29 shows 23 hourly bars, 2026-10-25 shows 25', async () => {
    await period('2026-03-29', '2026-03-29');
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'hour');
    assert.equal(await bars(), 23);
    assert.equal((await table()).length, 1 + 23 + 1, 'header, 23 hours, totals');
    await screenshot(page, 'consumption-spring-day');
    await period('2026-10-25', '2026-10-25');
    assert.equal(await bars(), 25);
    const rows = await table();
    assert.equal(rows.length, 1 + 25 + 1);
    assert.equal(rows[3][0], '2026-10-25 02:00 +02:00');
    assert.equal(rows[4][0], '2026-10-25 02:00 +01:00', 'the repeated hour is told apart');
  });

  test('the hours sum to the day; drill-down and breadcrumb', async () => {
    await period('2026-03-28', '2026-03-31');
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'day');
    const days = await table();
    assert.equal(days.length, 1 + 4 + 1);
    const total = column(days, 'Total');
    const day29 = Number(days[2][total]);
    assert.ok(day29 > 0, `29 March has a consumption: ${day29}`);
    await clickBar(1); // the 29th
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'hour');
    assert.equal(await bars(), 23);
    const hours = await table();
    const sum = hours.slice(1, -1).reduce((a, r) => a + Number(r[total]), 0);
    assert.equal(sum, day29, 'the hours add up exactly to the day');
    assert.equal(Number(hours[hours.length - 1][total]), day29, 'the totals row is the day');
    for (const r of hours.slice(1, -1)) {
      const parts = r.slice(1, total).reduce((a, v) => a + Number(v), 0);
      assert.equal(parts, Number(r[total]), `the parts of ${r[0]} add up to its total`);
    }
    const crumbs = await page.$$eval('#consumption-breadcrumb button, #consumption-breadcrumb .here', (e) => e.map((x) => x.textContent));
    assert.deepEqual(crumbs, ['Period', '2026-03-29']);
    const wait = await drawn();
    await page.click('#consumption-breadcrumb button[data-level="0"]');
    await wait();
    assert.equal(await bars(), 4, 'back to the days');

    // month -> week -> day -> hour
    await period('2026-01-01', '2026-12-31');
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'month');
    assert.equal(await bars(), 12);
    await clickBar(2); // March
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'week');
    const weeks = await table();
    const lastWeek = weeks.findIndex((r) => r[0].startsWith('2026-03-23'));
    assert.ok(lastWeek > 0, 'the week of 23 March is shown');
    await clickBar(lastWeek - 1);
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'day');
    assert.equal(await bars(), 7);
    await clickBar(6); // Sunday 29 March
    assert.equal(await page.getAttribute('.consumption-charts', 'data-bucket'), 'hour');
    assert.equal(await bars(), 23);
    assert.equal(await page.locator('#consumption-breadcrumb > *:not(.sep)').count(), 4);
    await screenshot(page, 'consumption-drilled');
    const w = await drawn();
    await page.click('#consumption-breadcrumb button[data-level="0"]');
    await w();
    assert.equal(await bars(), 12, 'the breadcrumb returns to the year');
  });

  test('a legend click hides a load; the CSV equals the table', async () => {
    await period('2026-03-29', '2026-03-29');
    const before = await table();
    assert.ok(column(before, 'HVAC') > 0);
    const series = () => page.evaluate(async () => (await import(window.gsStatic + 'js/pages/consumption/chart.js')).currentChart().series.length);
    const n = await series();
    await page.click('#consumption-legend [data-part="HVAC"]');
    assert.equal(await page.getAttribute('#consumption-legend [data-part="HVAC"]', 'aria-pressed'), 'false');
    assert.equal(await series(), n - 1, 'one bar part fewer');
    const after = await table();
    assert.equal(column(after, 'HVAC'), -1, 'the table has no HVAC column');
    const total = column(after, 'Total');
    for (const r of after.slice(1)) assert.equal(r.slice(1, total).reduce((a, v) => a + Number(v), 0), Number(r[total]), 'the total is what is shown');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#consumption-csv')]);
    const text = readFileSync(await download.path(), 'utf8');
    const csv = text.trimEnd().split('\r\n').map((l) => l.split(','));
    assert.deepEqual(csv, after, 'the CSV is the table');
    await page.click('#consumption-legend [data-part="HVAC"]');
    assert.equal(column(await table(), 'HVAC'), 1, 'shown again');
  });

  test('compare with the previous period', async () => {
    await period('2026-03-29', '2026-03-29');
    const wait = await drawn();
    await page.selectOption('#consumption-compare', 'previous');
    await wait();
    const rows = await table();
    const c = column(rows, 'Compared period');
    assert.ok(c > 0);
    assert.ok(Number(rows[rows.length - 1][c]) > 0, 'the 28th has a consumption');
    const w = await drawn();
    await page.selectOption('#consumption-compare', 'none');
    await w();
  });

  test('the hierarchy tree shows the meters, and son hierarchies under their node', async () => {
    await page.selectOption('#perimeter-view', 'hierarchy');
    await page.waitForSelector('.perimeter .node[data-meter="true"]');
    const tree = await page.evaluate(() => {
      const button = (name) => [...document.querySelectorAll('.perimeter .node')].find((b) => b.querySelector('.name')?.textContent === name);
      const firstChild = (b) => b.parentElement.querySelector(':scope > ul > li > .node');
      const parentOf = (b) => b.parentElement.parentElement.closest('li')?.querySelector(':scope > .node .name')?.textContent;
      const meter = document.querySelector('.perimeter .node[data-meter="true"]');
      return {
        top: [...document.querySelectorAll('.perimeter .tree > ul > li > .node .name')].map((n) => n.textContent),
        meter: [meter.dataset.source, meter.dataset.circuit, meter.querySelector('.node-tag')?.textContent, parentOf(meter)],
        rootFirst: firstChild(button('Building A')) === meter,
        son: parentOf(button('Lighting circuits')),
        sonTag: button('Lighting circuits').querySelector('.node-tag')?.textContent,
        sonRoot: parentOf(button('Floor 1 lighting')),
        sonLoad: parentOf(document.querySelector('.perimeter .node[data-source="lighting"]')),
      };
    });
    assert.deepEqual(tree.top, ['Electricity'], 'a son hierarchy is not at the top');
    assert.deepEqual(tree.meter, ['diris-main', '1', 'meter', 'Building A'], 'the root\'s meter, marked');
    assert.ok(tree.rootFirst, 'the meter comes first among the node\'s children');
    assert.equal(tree.son, 'Lighting', 'the son hierarchy hangs under the node that links it');
    assert.equal(tree.sonTag, 'son hierarchy');
    assert.equal(tree.sonRoot, 'Lighting circuits');
    assert.equal(tree.sonLoad, 'Floor 1 lighting');
    // choosing the son hierarchy, then a node of it
    let wait = await drawn();
    await page.click('.perimeter .node:has-text("Lighting circuits") .name');
    await wait();
    assert.equal(await page.textContent('.consumption-title'), 'Lighting circuits');
    let parts = await page.$$eval('#consumption-legend .legend-item', (b) => b.map((x) => [x.dataset.part, x.dataset.kind]));
    assert.deepEqual(parts, [['lighting/1', 'load']]);
    wait = await drawn();
    await page.click('.perimeter .node:has-text("Floor 1 lighting") .name');
    await wait();
    assert.equal(await page.textContent('.consumption-title'), 'Lighting circuits › Floor 1 lighting');
    // the node it hangs from counts it as a part of its own
    wait = await drawn();
    await page.click('.perimeter .node:has-text("Building A") .name');
    await wait();
    parts = await page.$$eval('#consumption-legend .legend-item', (b) => b.map((x) => [x.dataset.part, x.dataset.kind]));
    assert.deepEqual(parts, [['HVAC', 'node'], ['Lighting', 'node'], ['unmeasured', 'unmeasured']]);
  });
});

// Without hierarchies the page shows the consumption of each circuit (manual §7.5).
describe('Consumption without hierarchies', () => {
  const plain = new Site({
    plugins: ['storage_rocksdb: {}'],
    beforeRun: (s) => {
      const text = readFileSync(s.siteFile, 'utf8');
      writeFileSync(s.siteFile, text.replace(/\nhierarchies:\n[\s\S]*?\n(?=users:)/, '\n'));
    },
  });
  let other;
  before(async () => {
    await plain.start();
    other = await browser.context.newPage();
    other.on('pageerror', (e) => { throw e; });
    await login(other, plain.url, 'user');
  });
  after(async () => {
    await other?.close();
    await plain.stop();
    plain.cleanup();
  });

  test('every circuit is a part of its own', async () => {
    await other.evaluate(() => sessionStorage.setItem('gs.perimeter.view', 'hierarchy'));
    await other.goto(`${plain.url}/#/consumption`);
    await other.waitForFunction(() => document.querySelector('.consumption-charts')?.dataset.drawn, null, { timeout: 20000 });
    assert.equal(await other.textContent('.consumption-title'), 'Every circuit');
    assert.match(await other.textContent('.consumption p[role=status]'), /No hierarchy/);
    const parts = await other.$$eval('#consumption-legend .legend-item', (b) => b.map((x) => [x.dataset.part, x.dataset.kind]));
    assert.deepEqual(parts.map(([n]) => n).sort(), ['ats/1', 'chiller/1', 'countis-office/1', 'diris-main/1', 'hvac/1', 'lighting/1']);
    assert.ok(parts.every(([, k]) => k === 'load'));
  });
});
