// The Trends page in Debian's chromium (issue 13): first chart paint and zoom round trip.
//   node trends.mjs <base-url> <favourite> <from-ms> <to-ms> [runs]
// Logged in as User, each run loads #/trends?favourite=<name>&from&to in a fresh page: the
// favourite's series over [from, to) are read from the history API and drawn. Prints JSON:
//   first_paint_ms: navigation start -> the frame after the chart is drawn (the page's
//     `gs-trends-draw` measure ends in a requestAnimationFrame after uPlot drew);
//   zoom_ms: mouse-up of a drag over 1 % of the chart -> the frame after the finer data is drawn
//     (the history request, its JSON, the new chart);
//   history_ms: the request -> drawn part of each (the page's own measure);
//   page_steps_ms: the page's steps to its first draw (trends.js's measures): start (navigation
//     -> the page's render()), selection (-> draw(): favourites, series list, panes), history
//     (-> the answer in hand), chart (-> the frame after uPlot drew);
//   before_history_request_ms: navigation start -> the page asks for the history (the page
//     load, its modules, the session, favourites and series list), with the static files'
//     count and how many were revalidated (a request answered 304) or taken from the cache.
// Each run loads the page twice: with the browser's cache as a second visit leaves it (warm,
// the figures above) and after clearing it (cold: a first visit; *_cold). One warm-up load
// before the runs is not counted (it puts the Trends modules in the cache).
import { loadavg } from 'node:os';
import { openLoggedIn } from './chromium.mjs';

const [base, favourite, from, to, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 10);
const browser = await openLoggedIn(base);
const { page } = browser;
const cdp = await page.context().newCDPSession(page);
page.on('pageerror', (e) => { console.error('page error:', e.message); process.exitCode = 1; });

const target = `${base}/#/trends?${new URLSearchParams({ favourite, from, to })}`;
const drawnAfter = (token, timeout = 20000) => page.waitForFunction((t) => {
  const d = document.querySelector('.trends-charts')?.dataset.drawn;
  return d && d !== t ? performance.now() : false;
}, token, { polling: 'raf', timeout }).then((h) => h.jsonValue());
const lastMeasure = () => page.evaluate(() => performance.getEntriesByName('gs-trends-draw').pop().duration);

async function run(cold) {
  await page.goto('about:blank');
  if (cold) await cdp.send('Network.clearBrowserCache');
  await page.goto(target);
  const paint = await drawnAfter('');
  const series = await page.evaluate(async () => {
    const { currentCharts } = await import((window.gsStatic || '/') + 'js/pages/trends/chart.js');
    const u = currentCharts()[0];
    return { curves: (u.series.length - 1) / 2, points: u.data[0].length, span_days: (u.data[0][u.data[0].length - 1] - u.data[0][0]) / 86400000 };
  });
  const first = await lastMeasure();
  // The page's own steps of its first draw (trends.js: gs-trends-start, -selection, -history, -chart).
  const steps = await page.evaluate(() => Object.fromEntries(['start', 'selection', 'history', 'chart'].map((k) => [k, performance.getEntriesByName('gs-trends-' + k).pop()?.duration ?? NaN])));
  // Where the time before the history request went (Resource Timing, ms from navigation start).
  const timeline = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const api = res.filter((r) => r.name.includes('/api/'));
    const files = res.filter((r) => !r.name.includes('/api/'));
    const history = api.find((r) => r.name.includes('/api/v1/history?'));
    return {
      html_done: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
      files: files.length, files_revalidated: files.filter((r) => r.responseStatus === 304 || (r.transferSize > 0 && r.encodedBodySize === 0)).length,
      files_from_cache: files.filter((r) => r.transferSize === 0).length,
      last_file_done: Math.max(...files.map((r) => r.responseEnd)),
      api_before_history: api.filter((r) => r.startTime < (history ? history.startTime : Infinity)).map((r) => [new URL(r.name).pathname, Math.round(r.startTime), Math.round(r.responseEnd)]),
      history_start: history ? history.startTime : null,
      boot_js: files.filter((r) => r.name.endsWith('/js/boot.js')).map((r) => [Math.round(r.startTime), Math.round(r.responseEnd)])[0],
      // 1 when the page drew the answer boot.js asked for; 2 when it asked again (other points)
      history_requests: api.filter((r) => r.name.includes('/api/v1/history?')).length,
      history_done: history ? history.responseEnd : null,
    };
  });
  const box = await page.locator('.trends-chart .u-over').boundingBox();
  // A drag over 1 % of the chart; tried again if the page was still busy and missed it.
  let done = null;
  for (let attempt = 0; attempt < 3 && done === null; attempt++) {
    const token = await page.getAttribute('.trends-charts', 'data-drawn');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.51, y, { steps: 3 });
    await page.evaluate(() => window.addEventListener('mouseup', () => { window.gsUp = performance.now(); }, { capture: true, once: true }));
    await page.mouse.up();
    done = await drawnAfter(token, 8000).catch(() => null);
  }
  if (done === null) throw new Error('the zoom was never drawn');
  const up = await page.evaluate(() => window.gsUp);
  return { paint, first, steps, zoom: done - up, zoomHistory: await lastMeasure(), series, timeline };
}

const samples = [];
const coldSamples = [];
await run(false); // warm-up
for (let i = 0; i < runs; i++) {
  samples.push(await run(false));
  coldSamples.push(await run(true));
}
await browser.close();
const stats = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return { min: Math.round(s[0]), median: Math.round(s[Math.floor(s.length / 2)]), max: Math.round(s[s.length - 1]) };
};
console.log(JSON.stringify({
  runs, chart: samples[0].series,
  first_paint_ms: stats(samples.map((s) => s.paint)),
  first_history_to_drawn_ms: stats(samples.map((s) => s.first)),
  page_steps_ms: Object.fromEntries(['start', 'selection', 'history', 'chart'].map((k) => [k, stats(samples.map((s) => s.steps[k]))])),
  page_steps_cold_ms: Object.fromEntries(['start', 'selection', 'history', 'chart'].map((k) => [k, stats(coldSamples.map((s) => s.steps[k]))])),
  before_history_request_ms: stats(samples.map((s) => s.timeline.history_start)),
  history_answer_in_ms: stats(samples.map((s) => s.timeline.history_done)),
  history_requests_per_load: stats(samples.map((s) => s.timeline.history_requests)),
  static_files_done_ms: stats(samples.map((s) => s.timeline.last_file_done)),
  static_files: samples[samples.length - 1].timeline.files,
  static_files_revalidated: samples[samples.length - 1].timeline.files_revalidated,
  static_files_from_cache: samples[samples.length - 1].timeline.files_from_cache,
  last_run_timeline: samples[samples.length - 1].timeline,
  first_paint_cold_ms: stats(coldSamples.map((s) => s.paint)),
  before_history_request_cold_ms: stats(coldSamples.map((s) => s.timeline.history_start)),
  static_files_cold: coldSamples[coldSamples.length - 1].timeline.files,
  static_files_from_cache_cold: coldSamples[coldSamples.length - 1].timeline.files_from_cache,
  zoom_round_trip_ms: stats(samples.map((s) => s.zoom)),
  zoom_history_to_drawn_ms: stats(samples.map((s) => s.zoomHistory)),
  load_average: loadavg().map((x) => x.toFixed(1)).join(' '),
}, null, 1));
