// The table of what the chart shows: a row per bucket (its start in the site's time), a column
// per shown part and their total, the compared period's total and the difference when a
// comparison is on, and a last row of totals. The CSV download writes the same cells
// (trends/csv.js), so what is downloaded is what is read.
import { t } from '../../i18n.js';

// "2026-10-25 02:00 +02:00": the API's local time with its offset (a DST day's two 02:00s differ).
export function cellStart(iso) {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  return m ? `${m[1]} ${m[2]} ${m[3] === 'Z' ? '+00:00' : m[3]}` : iso;
}
export const cellNumber = (v) => (v === null || v === undefined ? '' : String(Number(v.toPrecision(12))));

// buckets: the API's; parts: [{label, index}] shown, index into a bucket's parts; compare: totals or null
export function tableModel({ buckets, parts, compare, unit }) {
  const header = [t('consumption.start'), ...parts.map((p) => `${p.label} (${unit})`), `${t('consumption.total')} (${unit})`];
  if (compare) header.push(`${t('consumption.compared')} (${unit})`, `${t('consumption.difference')} (${unit})`);
  const sums = new Array(parts.length + 1).fill(0);
  let compareSum = 0;
  const rows = buckets.map((b, i) => {
    const values = parts.map((p) => b.parts[p.index]?.value ?? 0);
    const total = values.reduce((a, v) => a + v, 0);
    values.forEach((v, k) => { sums[k] += v; });
    sums[parts.length] += total;
    const row = [cellStart(b.start), ...values.map(cellNumber), cellNumber(total)];
    if (compare) {
      const c = compare[i] ?? null;
      if (c !== null) compareSum += c;
      row.push(cellNumber(c), c === null ? '' : cellNumber(total - c));
    }
    return row;
  });
  const totalRow = [t('consumption.total'), ...sums.map(cellNumber)];
  if (compare) totalRow.push(cellNumber(compareSum), cellNumber(sums[parts.length] - compareSum));
  rows.push(totalRow);
  return { header, rows };
}
