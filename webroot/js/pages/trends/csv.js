// The CSV download of the table (RFC 4180: comma separated, CRLF, quoted when needed), in a
// file named after the range.
import { h } from '../../dom.js';

const field = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function csvText(model) {
  return [model.header, ...model.rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export function downloadCsv(model, name) {
  const url = URL.createObjectURL(new Blob([csvText(model)], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
