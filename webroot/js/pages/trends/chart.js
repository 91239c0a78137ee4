// The Trends charts (uPlot, from webroot/node_modules: scripts/webroot-deps.sh): one y-axis
// per unit, on both sides in turn; each curve is its buckets' mean with a stroke from their exact
// min to their exact max, so a single spike shows at any zoom. Overlay: one chart; stacked: one chart per
// unit, sharing the time axis with a synced cursor. Clicking a legend name hides its curve;
// dragging across a chart asks for that range (onZoom).
import { h, clear } from '../../dom.js';
import { seriesLabel } from './selection.js';

const UPLOT = new URL('../../../node_modules/uplot/dist/', import.meta.url).pathname; // same version as this file
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
let uPlot = null;
let drawn = [];

// The library, once; rejects with a clear message when it is not installed.
export async function loadChartLibrary() {
  if (uPlot) return uPlot;
  if (!document.querySelector('link[data-uplot]')) document.head.append(h('link', { rel: 'stylesheet', href: UPLOT + 'uPlot.min.css', 'data-uplot': '' }));
  try {
    uPlot = (await import(UPLOT + 'uPlot.esm.js')).default;
  } catch {
    throw new Error('uPlot is not installed in webroot/node_modules: run scripts/webroot-deps.sh');
  }
  return uPlot;
}

// The uPlot instances on screen (the browser tests and the bench read their scales).
export const currentCharts = () => drawn;

// One time column for every series: [times, per series {min, max, avg} columns with nulls].
export function alignSeries(series) {
  // The usual case: every series has the same buckets (one range, one grid, in order): nothing
  // to merge.
  const first = series[0]?.points;
  const same = first && first.every((p, i) => i === 0 || p[0] > first[i - 1][0]) &&
    series.every((s) => s.points.length === first.length && s.points.every((p, i) => p[0] === first[i][0]));
  if (same) {
    return {
      times: first.map((p) => p[0]),
      columns: series.map((s) => ({ min: s.points.map((p) => p[1]), max: s.points.map((p) => p[2]), avg: s.points.map((p) => p[3]) })),
    };
  }
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const c = { min: new Array(times.length).fill(null), max: new Array(times.length).fill(null), avg: new Array(times.length).fill(null) };
    for (const [t, mn, mx, avg] of s.points) {
      const i = index.get(t);
      c.min[i] = mn; c.max[i] = mx; c.avg[i] = avg;
    }
    return c;
  });
  return { times, columns };
}

const rgba = (hex, a) => `rgba(${parseInt(hex.slice(1, 3), 16)},${parseInt(hex.slice(3, 5), 16)},${parseInt(hex.slice(5, 7), 16)},${a})`;

// The y range of a unit: from 0 (default) or the extremes of its buckets' min and max.
function unitRange(scale, lo, hi) {
  return () => {
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
    let a = scale === 'zero' ? Math.min(0, lo) : lo;
    let b = scale === 'zero' ? Math.max(0, hi) : hi;
    if (a === b) { a -= Math.abs(a) * 0.05 || 1; b += Math.abs(b) * 0.05 || 1; }
    const pad = (b - a) * 0.05;
    return [scale === 'zero' && a === 0 ? 0 : a - pad, scale === 'zero' && b === 0 ? 0 : b + pad];
  };
}

// The min-max extent of each bucket as one vertical stroke: a spike reaches its exact max at
// any zoom. One stroked path, no fill: a translucent band per curve cost ~1 s a frame for 10
// curves of a year in software rendering (bench/ui/trends.sh).
function wicks(minColumn) {
  return (u, seriesIdx, idx0, idx1) => {
    const s = u.series[seriesIdx];
    const xs = u.data[0];
    const maxColumn = u.data[seriesIdx];
    const stroke = new Path2D();
    for (let i = idx0; i <= idx1; i++) {
      const mx = maxColumn[i];
      if (mx === null || mx === undefined) continue;
      const x = Math.round(u.valToPos(xs[i], 'x', true));
      const top = u.valToPos(mx, s.scale, true);
      const bottom = u.valToPos(minColumn[i], s.scale, true);
      stroke.moveTo(x, bottom + 0.5);
      stroke.lineTo(x, top - 0.5);
    }
    return { stroke, fill: null, clip: null, band: null, gaps: null, flags: 0 };
  };
}

// series: the API's answer, in the order of the selection; range: {from, to} in ms.
export function drawCharts(container, { series, range, scale, mode, onZoom }) {
  destroyCharts(container);
  const units = [...new Set(series.map((s) => s.unit))];
  const groups = mode === 'stacked' ? units.map((u) => series.filter((s) => s.unit === u)) : [series];
  const width = Math.max(300, container.clientWidth - 8);
  const height = mode === 'stacked' ? Math.max(180, Math.round(440 / groups.length)) : 440;
  for (const group of groups) {
    const { times, columns } = alignSeries(group);
    const groupUnits = [...new Set(group.map((s) => s.unit))];
    const uSeries = [{}];
    const data = [times];
    const roles = [null];
    const extent = {}; // unit -> [lowest min, highest max]
    group.forEach((s, i) => {
      const colour = COLOURS[series.indexOf(s) % COLOURS.length];
      const key = 'u:' + s.unit;
      // 1 px: a hairline, which software rendering (no GPU) strokes ~20x faster than 1.5 px
      // (bench/ui/trends.sh: ~100 ms of canvas raster for 10 curves of a year, then ~4 ms)
      uSeries.push({ label: seriesLabel(s) + (s.unit ? ` (${s.unit})` : ''), scale: key, stroke: colour, width: 1 });
      uSeries.push({ label: 'min - max', scale: key, stroke: rgba(colour, 0.35), width: 1, paths: wicks(columns[i].min), points: { show: false } });
      data.push(columns[i].avg, columns[i].max);
      roles.push('avg', 'range');
      const e = (extent[s.unit] ||= [Infinity, -Infinity]);
      for (const [, mn, mx] of s.points) { if (mn < e[0]) e[0] = mn; if (mx > e[1]) e[1] = mx; }
    });
    const scales = { x: { time: true, range: () => [range.from, range.to] } };
    for (const u of groupUnits) scales['u:' + u] = { range: unitRange(scale, ...(extent[u] || [NaN, NaN])) };
    const axes = [{}].concat(groupUnits.map((u, i) => ({
      scale: 'u:' + u, side: i % 2 ? 1 : 3, label: u || '—', size: 64, grid: { show: i === 0 },
    })));
    const el = h('div.trends-chart', { 'data-units': groupUnits.join(',') });
    container.append(el);
    const chart = new uPlot({
      width, height, ms: 1, series: uSeries, scales, axes,
      cursor: { drag: { x: true, y: false, setScale: false }, sync: { key: 'gs-trends', setSeries: false } },
      legend: { live: true },
      hooks: {
        // the min-max strokes follow their curve's legend entry
        setSeries: [(u, idx, opts) => {
          if (roles[idx] === 'avg' && opts.show !== undefined) u.setSeries(idx + 1, { show: opts.show });
        }],
        setSelect: [(u) => {
          if (u.select.width < 4) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          onZoom(Math.round(from), Math.round(to));
        }],
      },
    }, data, el);
    // only the mean's entry in the legend: the min-max strokes go with it
    el.querySelectorAll('.u-legend tr.u-series').forEach((tr, i) => { if (roles[i] === 'range') tr.style.display = 'none'; });
    drawn.push(chart);
  }
}

export function destroyCharts(container) {
  for (const c of drawn) c.destroy();
  drawn = [];
  clear(container);
}
