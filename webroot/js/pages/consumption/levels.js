// The drill-down of the Consumption page (manual §7.5): the perimeter's period first, then a
// bar clicked shows its own range in the next finer bucket (month → week → day → hour); the
// breadcrumb returns to any level above. And the ranges compared with the one shown.
const FINER = { month: 'week', week: 'day', day: 'hour' };
export const finer = (bucket) => FINER[bucket] || null;

export class Levels {
  constructor() { this.stack = []; }
  reset(level) { this.stack = [level]; }
  get current() { return this.stack[this.stack.length - 1] || null; }
  // level: {from, to (ISO), bucket (or undefined: the server's default), label}
  push(level) { this.stack.push(level); }
  // back to level i (0: the period)
  cut(i) { this.stack = this.stack.slice(0, i + 1); return this.current; }
}

const pad = (n) => String(n).padStart(2, '0');

// A local Date as ISO 8601 with its offset (the API reads it; its wall time is the user's).
export function localIso(d) {
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00` +
    `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

// The wall time of an ISO 8601 text ("2026-03-29T00:00:00+01:00") as a local Date.
function wall(iso) {
  const [y, mo, d, hh, mm] = iso.match(/^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/).slice(1).map(Number);
  return new Date(y, mo - 1, d, hh, mm);
}

const midnight = (d) => d.getHours() === 0 && d.getMinutes() === 0;

// [from, to] (ISO) of the period compared with [from, to): 'previous' (the months, days or time
// just before) or 'year' (the same dates a year before).
export function comparedRange(fromIso, toIso, how) {
  const a = wall(fromIso);
  const b = wall(toIso);
  const shift = (d, months, days) => new Date(d.getFullYear(), d.getMonth() + months, d.getDate() + days, d.getHours(), d.getMinutes());
  let range;
  if (how === 'year') range = [shift(a, -12, 0), shift(b, -12, 0)];
  else if (midnight(a) && midnight(b) && a.getDate() === 1 && b.getDate() === 1) {
    const months = (b.getFullYear() - a.getFullYear()) * 12 + b.getMonth() - a.getMonth();
    range = [shift(a, -months, 0), a];
  } else if (midnight(a) && midnight(b)) {
    const days = Math.round((Date.UTC(b.getFullYear(), b.getMonth(), b.getDate()) - Date.UTC(a.getFullYear(), a.getMonth(), a.getDate())) / 86400000);
    range = [shift(a, 0, -days), a];
  } else {
    range = [new Date(a - (b - a)), a];
  }
  return range.map(localIso);
}
