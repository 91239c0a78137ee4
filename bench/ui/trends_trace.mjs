// Where the main thread of a Trends load goes (issue 13), from a Chromium trace:
//   node trends_trace.mjs <base-url> <favourite> <from-ms> <to-ms> [runs]
// Each run loads #/trends?favourite=<name>&from&to (warm cache, one uncounted load first) with
// tracing on and prints the renderer main thread's time (ms) in the trace events that matter to
// the first chart paint: the canvas raster (CanvasRenderingContext2D::FinalizeFrame: uPlot's
// paths rasterized, in software with --disable-gpu), style (UpdateLayoutTree, with the most
// elements one recalculation touched), layout (Layout, with the most objects one layout had),
// script (FunctionCall + EvaluateScript + RunMicrotasks, nested time counted once per top
// event) and the page's own measures (trends.js's gs-trends-*). bench/ui/trends.sh runs it
// after trends.mjs when TRACE=1.
import { openLoggedIn } from './chromium.mjs';

const [base, favourite, from, to, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const browser = await openLoggedIn(base);
const { page } = browser;
const cdp = await page.context().newCDPSession(page);
const target = `${base}/#/trends?${new URLSearchParams({ favourite, from, to })}`;
const categories = 'devtools.timeline,blink,blink.user_timing';

async function load(traced) {
  await page.goto('about:blank');
  const events = [];
  const collect = (d) => events.push(...d.value);
  if (traced) {
    cdp.on('Tracing.dataCollected', collect);
    await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  }
  await page.goto(target);
  await page.waitForFunction(() => document.querySelector('.trends-charts')?.dataset.drawn, null, { polling: 'raf', timeout: 20000 });
  const measures = await page.evaluate(() => Object.fromEntries(['start', 'selection', 'history', 'chart']
    .map((k) => [k, Math.round(performance.getEntriesByName('gs-trends-' + k).pop()?.duration ?? NaN)])));
  if (!traced) return null;
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  return { ...summarize(events), measures };
}

function summarize(events) {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' &&
    events.some((x) => x.pid === e.pid && x.name === 'CanvasRenderingContext2D::FinalizeFrame'));
  const on = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const total = (names) => {
    // nested events of the same kinds counted once: only those not inside another one
    const xs = on.filter((e) => names.includes(e.name)).sort((a, b) => a.ts - b.ts);
    let end = -Infinity;
    let sum = 0;
    for (const e of xs) {
      if (e.ts >= end) { sum += e.dur; end = e.ts + e.dur; } else if (e.ts + e.dur > end) { sum += e.ts + e.dur - end; end = e.ts + e.dur; }
    }
    return Math.round(sum / 100) / 10;
  };
  const most = (name, field) => Math.max(0, ...on.filter((e) => e.name === name).map((e) => e.args?.beginData?.[field] ?? e.args?.[field] ?? 0));
  return {
    canvas_raster_ms: total(['CanvasRenderingContext2D::FinalizeFrame']),
    style_ms: total(['UpdateLayoutTree']), style_most_elements: most('UpdateLayoutTree', 'elementCount'),
    layout_ms: total(['Layout']), layout_most_objects: most('Layout', 'totalObjects'),
    script_ms: total(['FunctionCall', 'EvaluateScript', 'RunMicrotasks', 'v8.evaluateModule']),
  };
}

await load(false); // warm-up: the Trends modules in the cache, the favourite's ids learnt
for (let i = 0; i < runs; i++) console.log(JSON.stringify(await load(true)));
await browser.close();
