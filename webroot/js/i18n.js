// Every UI string comes from /i18n/<lang>.json; t(key, vars) fills {name} placeholders.
let strings = {};
let lang = 'en';

const pending = new Map(); // code -> Promise of the strings, so a prefetch is reused

export function fetchLanguage(code) {
  if (!pending.has(code)) {
    const early = window.gsPrefetch ? window.gsPrefetch(`/i18n/${code}.json`) : null; // boot.js
    pending.set(code, (early || fetch(`/i18n/${encodeURIComponent(code)}.json`)).then((res) => {
      if (!res.ok) throw new Error(`no translation for ${code}`);
      return res.json();
    }));
    pending.get(code).catch(() => pending.delete(code));
  }
  return pending.get(code);
}

export async function loadLanguage(code) {
  strings = await fetchLanguage(code);
  lang = code;
  document.documentElement.lang = code;
}

export const language = () => lang;

// With a number `n` among the vars, the key's plural form is used when there is one
// ("perimeter.loads.one": "1 load"), chosen by the language's rules (French: 0 and 1 are "one").
const pluralRules = new Map();
function pluralKey(key, n) {
  if (typeof n !== 'number') return key;
  if (!pluralRules.has(lang)) pluralRules.set(lang, new Intl.PluralRules(lang));
  const form = `${key}.${pluralRules.get(lang).select(n)}`;
  return form in strings ? form : key;
}

export function t(key, vars) {
  let s = strings[vars ? pluralKey(key, vars.n) : key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
  return s;
}

// t() when the key exists, else the fallback (catalog descriptions, profile state labels).
export function tOr(key, fallback) { return key in strings ? t(key) : fallback; }

// Numbers by hand as well (an Intl.NumberFormat is slow to make): grouping and the decimal
// sign of the language.
export function formatNumber(value, digits) {
  const [int, frac] = Math.abs(value).toFixed(digits).split('.');
  const group = lang === 'fr' ? '\u202f' : ',';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const sign = value < 0 && Number(int + '.' + (frac || '0')) !== 0 ? '-' : '';
  return sign + grouped + (frac ? (lang === 'fr' ? ',' : '.') + frac : '');
}

// Dates by hand: an Intl.DateTimeFormat costs tens of milliseconds to make on a small CPU,
// which the Monitor's first paint cannot afford. 24-hour clock in every language.
const pad = (n) => String(n).padStart(2, '0');

export function formatTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDateTime(ms) {
  const d = new Date(ms);
  const day = lang === 'en'
    ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
    : `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  return `${day} ${formatTime(ms)}`;
}
