// Consumption (manual §7.5): the consumption of the node chosen in the perimeter (views
// Hierarchy / Use / Fluid, and the period), by load or by use. Stacked bars per bucket; a bar
// clicked drills down (month → week → day → hour) with a breadcrumb back up; a legend name
// clicked hides its part; the unmeasured part in its own colour; a pie of the shares; a table
// with totals; a comparison with the previous period or the same period a year before; the CSV
// of what is shown. Without a hierarchy, each circuit is a part of its own. This module is the
// page; the parts are in consumption/ (what, levels, chart, pie, table).
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { formatValue } from '../format.js';
import { Perimeter } from '../perimeter.js';
import { consumption } from '../consumption.js';
import { whatOf, circuitsOf, firstHierarchy, MAX_CIRCUITS } from './consumption/what.js';
import { Levels, finer, comparedRange, siteDay } from './consumption/levels.js';
import { pie, swatch } from './consumption/pie.js';
import { tableModel, cellStart } from './consumption/table.js';
import { downloadCsv } from './trends/csv.js';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#637939', '#843c39'];
const UNMEASURED = '#9e9e9e';

// A bar's label: the hour of an hourly bucket, the date otherwise, the month of a monthly one.
function barLabel(iso, bucket) {
  if (bucket === 'hour') return iso.slice(11, 16);
  if (bucket === 'month') return iso.slice(0, 7);
  return iso.slice(0, 10);
}

export async function render(main) {
  const levels = new Levels();
  const hidden = new Set(); // names of the parts hidden from view
  let what = null;
  let answer = null;
  let compared = null; // the compared period's totals per bucket, or null
  let seq = 0;
  let period = null; // the perimeter's, in local days: taken as the site's days once its zone is known
  // The site's time zone: the perimeter's days are its days (the browser may be elsewhere).
  const siteZone = api.get('/site').then((s) => s.timezone).catch(() => '');
  const title = h('h1.consumption-title');
  const breadcrumb = h('nav.consumption-breadcrumb', { id: 'consumption-breadcrumb', 'aria-label': t('consumption.breadcrumb') });
  const message = h('p.muted', { role: 'status' });
  const hover = h('p.consumption-hover', { 'aria-live': 'off' });
  const legend = h('div.consumption-legend', { id: 'consumption-legend', role: 'group', 'aria-label': t('consumption.legend') });
  const charts = h('div.consumption-charts');
  const piePane = h('div.consumption-pie-pane');
  const tablePane = h('div.consumption-table-pane');
  const mode = h('select', { id: 'consumption-mode', onchange: () => choose(perimeter.selected) },
    ['load', 'usage'].map((m) => h('option', { value: m }, t('consumption.by_' + m))));
  const compare = h('select', { id: 'consumption-compare', onchange: () => draw() },
    ['none', 'previous', 'year'].map((c) => h('option', { value: c }, t('consumption.compare_' + c))));
  const csv = h('button.btn', { type: 'button', id: 'consumption-csv', disabled: true, onclick: () => {
    const model = currentModel();
    if (model) downloadCsv(model, `consumption-${levels.current.from.slice(0, 10)}-${answer.bucket}.csv`);
  } }, t('consumption.csv'));

  const perimeter = new Perimeter({
    views: ['hierarchy', 'usage', 'fluid'], period: true, selectFolders: true,
    onSelect: (node) => choose(node),
    onPeriod: (p) => { period = p; levels.reset(null); draw(); },
    onLoad: (data) => { if (!perimeter.selected) startWith(data); },
  });
  main.append(h('div.workspace', perimeter.el, h('div.content.consumption',
    h('div.consumption-bar', perimeter.toggleButton,
      h('label', { for: 'consumption-mode' }, t('consumption.mode')), mode,
      h('label', { for: 'consumption-compare' }, t('consumption.compare')), compare, csv),
    title, breadcrumb, message, legend, charts, hover,
    h('div.consumption-details', piePane, tablePane))));
  perimeter.load();
  // The drawing modules (uPlot and the Trends table they share) load while the first requests
  // are on their way, not before them (bench/ui/consumption.sh).
  const ui = {}; // drawBars, destroyBars (consumption/chart.js), renderTable (trends/table.js)
  const library = Promise.all([import('./consumption/chart.js'), import('./trends/table.js')]).then(([chart, table]) => {
    Object.assign(ui, { drawBars: chart.drawBars, destroyBars: chart.destroyBars, renderTable: table.renderTable });
    return chart.loadChartLibrary();
  });
  const destroyBars = (el) => (ui.destroyBars ? ui.destroyBars(el) : clear(el));

  // Nothing chosen yet: the first hierarchy, or without one every circuit of the site.
  async function startWith(data) {
    if (data.view === 'hierarchy' && data.nodes.length) { what = whatOf(firstHierarchy(data), 'hierarchy', mode.value); draw(); return; }
    if (data.view === 'hierarchy') {
      const all = await api.get('/perimeter', { view: 'fluid' }).catch(() => null);
      if (perimeter.selected || !all) return;
      const circuits = all.nodes.flatMap((n) => circuitsOf(n)).slice(0, MAX_CIRCUITS);
      what = circuits.length ? { circuits, title: t('consumption.all_circuits'), noHierarchy: true } : null;
      message.textContent = t('consumption.no_hierarchy');
    } else {
      what = null;
      message.textContent = t('consumption.choose');
    }
    draw();
  }

  function choose(node) {
    if (!node) { startWith(perimeter.data || { view: perimeter.view, nodes: [] }); return; }
    what = whatOf(node, node.view || perimeter.view, mode.value);
    hidden.clear();
    if (levels.stack.length) levels.cut(0);
    draw();
  }

  // The parts shown: [{name, kind, index, colour}] of the answer, minus the hidden ones.
  function partsOf(a) {
    const names = a.total.parts;
    let colour = 0;
    return names.map((p, index) => ({ name: p.name, kind: p.kind, index, total: p.value,
      label: p.kind === 'unmeasured' ? t('consumption.unmeasured') : p.name,
      colour: p.kind === 'unmeasured' ? UNMEASURED : COLOURS[colour++ % COLOURS.length] }));
  }

  function currentModel() {
    if (!answer) return null;
    const shownParts = partsOf(answer).filter((p) => !hidden.has(p.name));
    return tableModel({ buckets: answer.buckets, parts: shownParts, compare: compared, unit: answer.unit });
  }

  function renderBreadcrumb() {
    clear(breadcrumb).append(...levels.stack.flatMap((l, i) => [i ? h('span.sep', '›') : null,
      i === levels.stack.length - 1 ? h('span.here', { 'aria-current': 'page' }, l.label)
        : h('button.link', { type: 'button', 'data-level': String(i), onclick: () => { levels.cut(i); draw(); } }, l.label)].filter(Boolean)));
  }

  // Draws what is loaded (after a fetch, a legend click).
  function show(uPlot) {
    const all = partsOf(answer);
    const shown = all.filter((p) => !hidden.has(p.name));
    clear(legend).append(...all.map((p) => h('button.legend-item', {
      type: 'button', 'data-part': p.name, 'data-kind': p.kind, 'aria-pressed': String(!hidden.has(p.name)),
      onclick: () => { if (hidden.has(p.name)) hidden.delete(p.name); else hidden.add(p.name); show(uPlot); },
    }, swatch(p.colour), p.label)));
    const labels = answer.buckets.map((b) => barLabel(b.start, answer.bucket));
    const next = finer(answer.bucket);
    ui.drawBars(charts, uPlot, {
      parts: shown.map((p) => ({ name: p.name, colour: p.colour, values: answer.buckets.map((b) => b.parts[p.index]?.value ?? 0) })),
      labels, compare: compared, compareLabel: t('consumption.compared'), unit: answer.unit,
      onHover: (i) => {
        const b = i === null ? null : answer.buckets[i];
        hover.textContent = b ? `${cellStart(b.start)} — ${shown.map((p) => `${p.label}: ${formatValue(b.parts[p.index]?.value ?? 0, answer.unit)}`).join(' · ')}` +
          (compared && compared[i] !== null ? ` · ${t('consumption.compared')}: ${formatValue(compared[i], answer.unit)}` : '') : '';
      },
      onBar: next ? (i) => {
        const b = answer.buckets[i];
        levels.push({ from: b.start, to: b.end, bucket: next, label: cellStart(b.start).slice(0, answer.bucket === 'month' ? 7 : 10) });
        draw();
      } : null,
    });
    charts.dataset.bucket = answer.bucket;
    clear(piePane).append(pie(shown.map((p) => ({ name: p.label, colour: p.colour, total: p.total })), answer.unit));
    ui.renderTable(tablePane, currentModel());
    tablePane.querySelector('table')?.classList.add('consumption-table');
  }

  async function draw() {
    const token = ++seq;
    if (period && !levels.current) {
      const tz = await siteZone;
      if (token !== seq) return;
      if (!levels.current) levels.reset({ from: siteDay(period.from, tz), to: siteDay(period.to, tz), bucket: undefined, label: t('consumption.period') });
    }
    const level = levels.current;
    renderBreadcrumb();
    title.textContent = what ? what.title || t('perimeter.unassigned') : '';
    if (!level || !what) {
      answer = null;
      csv.disabled = true;
      destroyBars(charts);
      clear(legend); clear(piePane); clear(tablePane);
      return;
    }
    const started = performance.now();
    csv.disabled = true;
    message.textContent = t('consumption.loading');
    let uPlot;
    let other = null;
    try {
      const how = compare.value;
      const [a, lib, before] = await Promise.all([
        consumption(what, level.from, level.to, level.bucket),
        library,
        how === 'none' ? null : (async () => {
          const [f, to] = comparedRange(level.from, level.to, how, await siteZone);
          return consumption(what, f, to, level.bucket);
        })(),
      ]);
      answer = a;
      uPlot = lib;
      other = before;
    } catch (err) {
      if (token !== seq) return;
      answer = null;
      message.textContent = err.status ? `${t('error.load_failed')} ${err.message}` : err.message;
      return;
    }
    if (token !== seq) return;
    compared = other ? answer.buckets.map((_, i) => other.buckets[i]?.value ?? null) : null;
    message.textContent = answer.buckets.length ? '' : t('consumption.no_values');
    if (what.noHierarchy) message.textContent = t('consumption.no_hierarchy');
    mode.disabled = !what.hierarchy;
    show(uPlot);
    csv.disabled = false;
    // The next frame shows the chart: bench/ui/consumption.mjs and the browser tests wait for this.
    requestAnimationFrame(() => {
      performance.measure('gs-consumption-draw', { start: started, end: performance.now() });
      charts.dataset.drawn = String(token);
    });
  }

  return () => { seq += 1; destroyBars(charts); perimeter.destroy(); };
}
