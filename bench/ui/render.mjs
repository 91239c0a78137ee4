// Time to first render of the Monitor page, and the UI's transfer size, in Debian's chromium.
//   node render.mjs <base-url> <source> [runs]
// Prints JSON: cold and warm render times (navigation start -> first live values painted) and
// the bytes transferred, raw and gzip-compressed, of the UI's own files.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLoggedIn } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webroot = join(here, '../../webroot');

const [base, source, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 10);
const loaded = new Map(); // path -> bytes
const browser = await openLoggedIn(base, (page) => page.on('response', async (r) => {
  const url = new URL(r.url());
  if (url.pathname.startsWith('/api/')) return;
  try { loaded.set(url.pathname, (await r.body()).length); } catch { /* 304 */ }
}));
const { context, page } = browser;

const target = `${base}/#/monitor?source=${encodeURIComponent(source)}&circuit=1&view=load-power`;
// Wall time from navigation start to the first live value painted, and the renderer's main
// thread busy time meanwhile (CDP TaskDuration): on a loaded machine the first grows, the
// second shows what the page itself costs.
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
async function measure() {
  await page.goto('about:blank');
  const before = await busy();
  await page.goto(target);
  const wall = await page.waitForFunction(() => {
    const el = document.querySelector('#monitor-panel .value[data-name=IPSumInst]');
    return el && !el.classList.contains('nodata') ? performance.now() : false;
  }, null, { polling: 5, timeout: 10000 }).then((h) => h.jsonValue());
  const dcl = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
  return { wall, dcl, cpu: (await busy()) - before };
}
const samples = [];
for (let i = 0; i < runs; i++) samples.push(await measure());
const times = samples.map((s) => s.wall).sort((a, b) => a - b);
const cpu = samples.map((s) => s.cpu).sort((a, b) => a - b);
const dcl = samples.map((s) => s.dcl).sort((a, b) => a - b);

// The UI's own files the page loaded (index, CSS, modules, translations), raw and gzip -9.
let raw = 0, gz = 0;
const files = [];
for (const path of [...loaded.keys()].sort()) {
  const file = join(webroot, path === '/' ? 'index.html' : path);
  if (!existsSync(file)) continue;
  const body = readFileSync(file);
  raw += body.length;
  gz += gzipSync(body, { level: 9 }).length;
  files.push(path);
}
await browser.close();
console.log(JSON.stringify({
  monitor_first_render_ms: { min: Math.round(times[0]), median: Math.round(times[Math.floor(times.length / 2)]), max: Math.round(times[times.length - 1]), runs },
  // the browser's own floor: the HTML and the module graph parsed and run, before any data
  dom_content_loaded_ms: { min: Math.round(dcl[0]), median: Math.round(dcl[Math.floor(dcl.length / 2)]) },
  monitor_main_thread_ms: { min: Math.round(cpu[0]), median: Math.round(cpu[Math.floor(cpu.length / 2)]) },
  load_average: (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' '),
  ui_transfer: { files: files.length, raw_bytes: raw, gzip_bytes: gz },
}));
