// The Consumption page in Debian's chromium (issue 12 item 10): its first chart.
//   node consumption.mjs <base-url> <from-day> <to-day> [runs]
// Logged in as User, each run opens #/consumption in a fresh page load with the perimeter's
// period set to the custom days [from-day, to-day] (sessionStorage, as the period selector keeps
// it): the page picks the site's first hierarchy, reads GET /api/v1/consumption and draws the
// stacked bars, the pie and the table. Prints JSON:
//   first_chart_ms: navigation start -> the frame after the bars are drawn (the page's
//     `gs-consumption-draw` measure ends in a requestAnimationFrame after uPlot drew);
//   request_to_drawn_ms: the page's own measure (the API request, its JSON, the drawing).
import { loadavg } from 'node:os';
import { openLoggedIn, stats } from './chromium.mjs';

const [base, from, to, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 10);
const browser = await openLoggedIn(base);
const { page } = browser;
page.on('pageerror', (e) => { console.error('page error:', e.message); process.exitCode = 1; });

async function run() {
  await page.goto(base + '/#/home');
  await page.evaluate(([f, t]) => {
    sessionStorage.setItem('gs.period', JSON.stringify({ preset: 'custom', from: f, to: t }));
    sessionStorage.setItem('gs.perimeter.view', 'hierarchy');
  }, [from, to]);
  await page.goto('about:blank');
  await page.goto(base + '/#/consumption');
  const paint = await page.waitForFunction(() => (document.querySelector('.consumption-charts')?.dataset.drawn ? performance.now() : false),
    null, { polling: 'raf', timeout: 30000 }).then((h) => h.jsonValue());
  const measure = await page.evaluate(() => performance.getEntriesByName('gs-consumption-draw').pop().duration);
  const chart = await page.evaluate(async () => {
    const u = (await import((window.gsStatic || '/') + 'js/pages/consumption/chart.js')).currentChart();
    return { bars: u.data[0].length, parts: u.series.length - 1, bucket: document.querySelector('.consumption-charts').dataset.bucket };
  });
  return { paint, measure, chart };
}

const samples = [];
for (let i = 0; i < runs; i++) samples.push(await run());
await browser.close();
console.log(JSON.stringify({
  runs, period: [from, to], chart: samples[0].chart,
  first_chart_ms: stats(samples.map((s) => s.paint)),
  request_to_drawn_ms: stats(samples.map((s) => s.measure)),
  load_average: loadavg().map((x) => x.toFixed(1)).join(' '),
}, null, 1));
