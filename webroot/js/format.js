// Values with their catalog unit: scaled (W -> kW -> MW) and with sensible decimals.
import { formatNumber, t, tOr } from './i18n.js';

const SCALED = new Set(['W', 'var', 'VA', 'Wh', 'varh', 'VAh']);
const DIGITS = { V: 1, A: 1, Hz: 2, '%': 1, '': 3, '°C': 1 };

export function scaleUnit(value, unit) {
  if (!SCALED.has(unit) || !Number.isFinite(value)) return { value, unit, digits: DIGITS[unit] ?? 2 };
  const abs = Math.abs(value);
  if (abs >= 1e9) return { value: value / 1e9, unit: 'G' + unit, digits: 3 };
  if (abs >= 1e6) return { value: value / 1e6, unit: 'M' + unit, digits: 3 };
  if (abs >= 1e3) return { value: value / 1e3, unit: 'k' + unit, digits: 2 };
  return { value, unit, digits: 1 };
}

// "230.1 V"; "—" when there is no value
export function formatValue(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const s = scaleUnit(value, unit);
  return s.unit ? `${formatNumber(s.value, s.digits)} ${s.unit}` : formatNumber(s.value, s.digits);
}

// The short label of a data name ("V1" for IV1Inst), from the translation files.
export function dataLabel(name, description) {
  return tOr('data.' + name, description || name);
}

export function qualityText(q) { return t('quality.' + q); }
