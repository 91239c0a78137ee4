// The Consumption bars (uPlot, the Trends page's copy from webroot/node_modules): one bar per
// bucket, its parts stacked (positive parts upwards from 0, a negative unmeasured part
// downwards), the compared period's totals as a dashed line. x is the bucket's position, so
// a DST day's 23 or 25 hours are 23 or 25 evenly spaced bars. Clicking a bar calls onBar(i);
// the pointer over bar i calls onHover(i), and onHover(null) when it leaves.
import { h, clear } from '../../dom.js';
import { formatValue } from '../../format.js';
import { loadChartLibrary } from '../trends/chart.js';

export { loadChartLibrary };
let chart = null;

// The uPlot instance on screen (the browser tests and bench/ui read it).
export const currentChart = () => chart;

// [{lo, hi}] columns of each part, stacked bucket by bucket in the order given.
export function stack(columns) {
  const n = columns[0]?.length || 0;
  const up = new Array(n).fill(0);
  const down = new Array(n).fill(0);
  return columns.map((col) => {
    const lo = new Array(n);
    const hi = new Array(n);
    for (let j = 0; j < n; j++) {
      const v = col[j] || 0;
      if (v >= 0) { lo[j] = up[j]; up[j] += v; hi[j] = up[j]; } else { hi[j] = down[j]; down[j] += v; lo[j] = down[j]; }
    }
    return { lo, hi };
  });
}

// Each bar segment [lo, hi] of a part as a filled rectangle.
function segments(lo) {
  return (u, seriesIdx, idx0, idx1) => {
    const hi = u.data[seriesIdx];
    const fill = new Path2D();
    const width = Math.max(1, (u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true)) * 0.8);
    for (let i = idx0; i <= idx1; i++) {
      if (hi[i] === lo[i]) continue;
      const x = u.valToPos(i, 'x', true) - width / 2;
      const top = u.valToPos(hi[i], 'y', true);
      const bottom = u.valToPos(lo[i], 'y', true);
      fill.rect(x, top, width, bottom - top);
    }
    return { stroke: null, fill, clip: null, band: null, gaps: null, flags: 0 };
  };
}

// parts: [{name, colour, values}] (shown ones, stacking order); labels: the x labels;
// compare: the compared period's totals or null; unit: the values' unit.
export function drawBars(container, uPlot, { parts, labels, compare, compareLabel, unit, onBar, onHover = () => {} }) {
  destroyBars(container);
  const n = labels.length;
  const stacked = stack(parts.map((p) => p.values));
  const x = labels.map((_, i) => i);
  let lo = 0;
  let hi = 0;
  for (const s of stacked) for (let j = 0; j < n; j++) { lo = Math.min(lo, s.lo[j]); hi = Math.max(hi, s.hi[j]); }
  if (compare) for (const v of compare) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (hi === lo) hi = lo + 1;
  const series = [{}];
  const data = [x];
  parts.forEach((p, i) => {
    series.push({ label: p.name, stroke: p.colour, fill: p.colour, paths: segments(stacked[i].lo), points: { show: false },
      value: (u, v, si, idx) => (idx === null ? '' : formatValue(p.values[idx], unit)) });
    data.push(stacked[i].hi);
  });
  if (compare) {
    series.push({ label: compareLabel, stroke: '#263238', width: 2, dash: [6, 4], points: { show: true, size: 6 },
      value: (u, v) => (v === null ? '' : formatValue(v, unit)) });
    data.push(compare);
  }
  const width = Math.max(300, container.clientWidth - 8);
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(width / 70))));
  const el = h('div.consumption-chart', { 'data-bars': String(n) });
  container.append(el);
  chart = new uPlot({
    width, height: 380, series, legend: { show: false },
    scales: { x: { time: false, range: () => [-0.5, n - 0.5] }, y: { range: () => [lo, hi + (hi - lo) * 0.05] } },
    axes: [
      { splits: () => x.filter((i) => i % every === 0), values: (u, splits) => splits.map((i) => labels[i] ?? ''), grid: { show: false } },
      { size: 80, values: (u, splits) => splits.map((v) => formatValue(v, unit)) },
    ],
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  }, data, el);
  chart.over.style.cursor = onBar ? 'pointer' : '';
  chart.over.addEventListener('click', () => {
    const i = chart?.cursor.idx;
    if (onBar && i !== null && i !== undefined) onBar(i);
  });
  return chart;
}

export function destroyBars(container) {
  chart?.destroy();
  chart = null;
  clear(container);
}
