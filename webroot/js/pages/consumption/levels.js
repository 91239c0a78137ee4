// The drill-down of the Consumption page (manual §7.5): the perimeter's period first, then a
// bar clicked shows its own range in the next finer bucket (month → week → day → hour); the
// breadcrumb returns to any level above. And the ranges compared with the one shown.
const FINER = { month: 'week', week: 'day', day: 'hour' };
export const finer = (bucket) => FINER[bucket] || null;

export class Levels {
  constructor() { this.stack = []; }
  reset(level) { this.stack = level ? [level] : []; }
  get current() { return this.stack[this.stack.length - 1] || null; }
  // level: {from, to (ISO), bucket (or undefined: the server's default), label}
  push(level) { this.stack.push(level); }
  // back to level i (0: the period)
  cut(i) { this.stack = this.stack.slice(0, i + 1); return this.current; }
}

const pad = (n) => String(n).padStart(2, '0');
const formats = new Map(); // time zone -> Intl.DateTimeFormat (slow to make: once per zone)

// The offset of `tz` at the instant `ms`, in minutes east of UTC.
function offsetAt(ms, tz) {
  if (!formats.has(tz)) {
    formats.set(tz, new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }));
  }
  const p = Object.fromEntries(formats.get(tz).formatToParts(ms).map((x) => [x.type, x.value]));
  return Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000) / 60000);
}

// A wall time [y, month (0-11, may overflow), day (may overflow), h, m] in the site's time zone
// `tz` as ISO 8601 with that zone's offset; in the browser's zone when tz is unknown.
export function zonedIso([y, mo, d, hh, mm], tz) {
  const guess = Date.UTC(y, mo, d, hh, mm);
  const w = new Date(guess); // the normalised wall time, read in UTC
  let off;
  try {
    off = offsetAt(guess, tz);
    off = offsetAt(guess - off * 60000, tz);
  } catch {
    off = -new Date(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes()).getTimezoneOffset();
  }
  const sign = off < 0 ? '-' : '+';
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:00` +
    `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

// The perimeter's day (a local Date at midnight) as that day in the site's time zone.
export const siteDay = (d, tz) => zonedIso([d.getFullYear(), d.getMonth(), d.getDate(), 0, 0], tz);

// The wall time of an ISO 8601 text ("2026-03-29T00:00:00+01:00"): [y, month 0-11, d, h, m].
function wall(iso) {
  const [y, mo, d, hh, mm] = iso.match(/^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/).slice(1).map(Number);
  return [y, mo - 1, d, hh, mm];
}

const midnight = (w) => w[3] === 0 && w[4] === 0;

// [from, to] (ISO, in the site's zone tz) of the period compared with [from, to): 'previous'
// (the months, days or time just before) or 'year' (the same dates a year before).
export function comparedRange(fromIso, toIso, how, tz) {
  const a = wall(fromIso);
  const b = wall(toIso);
  const shift = ([y, mo, d, hh, mm], months, days) => zonedIso([y, mo + months, d + days, hh, mm], tz);
  if (how === 'year') return [shift(a, -12, 0), shift(b, -12, 0)];
  if (midnight(a) && midnight(b) && a[2] === 1 && b[2] === 1) {
    const months = (b[0] - a[0]) * 12 + b[1] - a[1];
    return [shift(a, -months, 0), shift(a, 0, 0)];
  }
  if (midnight(a) && midnight(b)) {
    const days = Math.round((Date.UTC(b[0], b[1], b[2]) - Date.UTC(a[0], a[1], a[2])) / 86400000);
    return [shift(a, 0, -days), shift(a, 0, 0)];
  }
  const from = Date.parse(fromIso);
  return [new Date(from - (Date.parse(toIso) - from)).toISOString(), new Date(from).toISOString()];
}
