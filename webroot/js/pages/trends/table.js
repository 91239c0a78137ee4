// The table of the range shown: one row per time of the chart, per curve its min, max and mean.
// The CSV download writes the same cells (csv.js), so what is downloaded is what is read here.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { alignSeries } from './chart.js';
import { seriesLabel } from './selection.js';

const pad = (n, w = 2) => String(n).padStart(w, '0');
// Local time, sortable, the same in the table and the CSV.
export const cellTime = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
// Seven significant digits, no exponent for ordinary values, '' for a gap.
export const cellValue = (v) => (v === null || v === undefined ? '' : String(Number(v.toPrecision(7))));

// {header: [...], rows: [[...], ...]} of the series (the API's answer) over [from, to).
export function tableModel(series, range) {
  const { times, columns } = alignSeries(series);
  const header = [t('trends.time')];
  for (const s of series) {
    const name = seriesLabel(s) + (s.unit ? ` (${s.unit})` : '');
    header.push(`${name} ${t('trends.min')}`, `${name} ${t('trends.max')}`, `${name} ${t('trends.avg')}`);
  }
  const rows = [];
  times.forEach((time, i) => {
    if (time < range.from || time >= range.to) return;
    const row = [cellTime(time)];
    for (const c of columns) row.push(cellValue(c.min[i]), cellValue(c.max[i]), cellValue(c.avg[i]));
    rows.push(row);
  });
  return { header, rows };
}

export function renderTable(container, model) {
  clear(container).append(h('table.trends-table',
    h('thead', h('tr', model.header.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', model.rows.map((r) => h('tr', r.map((c) => h('td', c)))))));
}
