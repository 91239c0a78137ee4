// Trends (manual §7.6): the devices chosen in the perimeter (Location / Use / Fluid views and the
// period), a data category and the data ticked; the chart draws at once. This module is the
// page: the panes, the range viewed and its history, and the reads of the history API; the
// parts are in trends/ (selection, chart, zoom, table, csv, favourites).
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { Perimeter } from '../perimeter.js';
import { history } from '../history.js';
import { Selection } from './trends/selection.js';
import { loadChartLibrary, drawCharts, destroyCharts } from './trends/chart.js';
import { ZoomHistory } from './trends/zoom.js';
import { tableModel, renderTable, cellTime } from './trends/table.js';
import { downloadCsv } from './trends/csv.js';
import { favouritesPanel } from './trends/favourites.js';

const MAX_POINTS = 2000;
// One bucket per 2 pixels of chart: each bucket's exact min and max are drawn, so nothing (a
// spike) is lost, and the answer and the drawing are half those of one bucket per pixel
// (bench/ui/trends.sh). A zoom asks again for its range: finer buckets.
const pointsFor = (width) => Math.min(MAX_POINTS, Math.max(100, Math.round((width || 1000) / 2)));

// The steps of a first draw, as performance measures (bench/ui/trends.mjs prints them):
//   gs-trends-start      navigation start -> render() (the shell, session, language, modules)
//   gs-trends-selection  render() -> the first draw() (favourites, series list, the panes)
//   gs-trends-history    draw() -> the history answer in hand
//   gs-trends-chart      the answer in hand -> the frame after uPlot drew
//   gs-trends-draw       draw() -> that frame (every draw, zooms too)
export async function render(main, { params }) {
  const rendered = performance.now();
  performance.measure('gs-trends-start', { start: 0, end: rendered });
  let firstDraw = true;
  const zoom = new ZoomHistory();
  // a range in the address (from, to: ms) is shown instead of the perimeter's first period
  let addressRange = Number(params.from) < Number(params.to) ? { from: Number(params.from), to: Number(params.to) } : null;
  if (addressRange) zoom.reset(addressRange);
  let shown = null; // the last answer drawn: {series, range}
  let favouriteShown = null; // the address's favourite, until its first draw
  const charts = h('div.trends-charts');
  const tablePane = h('div.trends-table-pane');
  const message = h('p.muted', { role: 'status' });
  const rangeText = h('span.trends-range');
  const back = h('button.btn', { type: 'button', id: 'trends-back', disabled: true, onclick: () => show(zoom.back()) }, '◀ ' + t('trends.back'));
  const forward = h('button.btn', { type: 'button', id: 'trends-forward', disabled: true, onclick: () => show(zoom.forward()) }, t('trends.forward') + ' ▶');
  const csv = h('button.btn', { type: 'button', id: 'trends-csv', disabled: true, onclick: () => {
    if (shown) downloadCsv(tableModel(shown.series, shown.range), `trends-${cellTime(shown.range.from).replace(/[: ]/g, '-')}.csv`);
  } }, t('trends.csv'));
  const details = h('details.trends-table-box', { ontoggle: () => updateTable() }, h('summary', t('trends.table')), tablePane);
  const selection = new Selection({ onChange: () => draw() });
  const favs = favouritesPanel({ snapshot: () => selection.snapshot(), apply: (sel) => selection.apply(sel) });
  const config = h('div.trends-config', { id: 'trends-config' }, selection.el, favs.el);
  const hideConfig = h('button.btn', { type: 'button', id: 'trends-toggle-config', 'aria-controls': 'trends-config', 'aria-expanded': 'true',
    onclick: () => {
      config.hidden = !config.hidden;
      hideConfig.setAttribute('aria-expanded', String(!config.hidden));
      hideConfig.textContent = t(config.hidden ? 'trends.show_config' : 'trends.hide_config');
      if (shown) draw(zoom.current); // the chart takes the width
    } }, t('trends.hide_config'));
  const perimeter = new Perimeter({
    views: ['location', 'usage', 'fluid'], period: true,
    onSelect: (load) => selection.addLoad(load),
    onPeriod: ({ from, to }) => {
      if (addressRange) { addressRange = null; return; } // the address's range wins over the first

      zoom.reset({ from: from.getTime(), to: to.getTime() });
      draw();
    },
  });
  const content = h('div.content.trends',
    h('div.trends-bar', perimeter.toggleButton, hideConfig, back, forward, rangeText, csv),
    h('div.trends-body', config, h('div.trends-view', message, charts, details)));
  main.append(h('div.workspace', perimeter.el, content));
  perimeter.load();

  const library = loadChartLibrary();
  let seq = 0;

  function updateButtons() {
    back.disabled = !zoom.canBack;
    forward.disabled = !zoom.canForward;
    csv.disabled = !shown;
    const r = zoom.current;
    rangeText.textContent = r ? `${cellTime(r.from)} → ${cellTime(r.to)}` : '';
  }

  function updateTable() {
    if (details.open && shown) renderTable(tablePane, tableModel(shown.series, shown.range));
    else clear(tablePane);
  }

  function show(range) { draw(range); }

  // Reads the ticked series over `range` (default: the current one) and draws them.
  async function draw(range = zoom.current) {
    const token = ++seq;
    const ticked = selection.tickedSeries();
    updateButtons();
    if (!range || !ticked.length) {
      shown = null;
      destroyCharts(charts);
      updateTable();
      updateButtons();
      message.textContent = selection.loads.length ? t('trends.tick_data') : t('trends.choose_device');
      return;
    }
    message.textContent = t('trends.loading');
    const started = performance.now();
    const first = firstDraw;
    firstDraw = false;
    if (first) performance.measure('gs-trends-selection', { start: rendered, end: started });
    let answer;
    let uPlot;
    const points = pointsFor(charts.clientWidth);
    // boot.js asks this history at once on the next load of this favourite's address
    try {
      localStorage.setItem('gs.trends.points', String(points));
      if (favouriteShown) localStorage.setItem('gs.trends.favourite-ids', JSON.stringify({ favourite: favouriteShown, ids: ticked.map((s) => s.id) }));
    } catch { /* storage off */ }
    favouriteShown = null;
    try {
      [answer, uPlot] = await Promise.all([
        history(ticked.map((s) => s.id), range.from, range.to, points),
        library,
      ]);
    } catch (err) {
      if (token !== seq) return;
      message.textContent = err.status ? t('error.load_failed') : err.message;
      return;
    }
    if (token !== seq || !uPlot) return;
    const answered = performance.now();
    if (first) performance.measure('gs-trends-history', { start: started, end: answered });
    const byId = new Map(ticked.map((s) => [s.id, s]));
    const series = answer.series.map((s) => ({ ...s, description: byId.get(s.id)?.description }));
    shown = { series, range };
    message.textContent = series.every((s) => !s.points.length) ? t('trends.no_values') : '';
    drawCharts(charts, {
      series, range, scale: selection.scale, mode: selection.mode,
      onZoom: (from, to) => { if (to > from) { zoom.push({ from, to }); draw(); } },
    });
    updateTable();
    updateButtons();
    // The next frame shows the chart: bench/ui/trends.mjs and the browser tests wait for this.
    requestAnimationFrame(() => {
      const end = performance.now();
      if (first) performance.measure('gs-trends-chart', { start: answered, end });
      performance.measure('gs-trends-draw', { start: started, end });
      charts.dataset.drawn = String(token);
    });
  }

  if (params.favourite) {
    const fav = await favs.find(params.favourite);
    if (fav) {
      favouriteShown = Number(params.from) < Number(params.to) ? params.favourite : null;
      selection.apply(fav.selection);
    } else {
      message.textContent = t('trends.fav_unknown');
    }
  } else {
    message.textContent = t('trends.choose_device');
  }
  return () => { seq += 1; destroyCharts(charts); perimeter.destroy(); };
}
