// The period and the filters (manual §7.3 items 1-4): type, sources, categories, statuses,
// criticalities; Validate applies them, Reset goes back to the last 24 hours and no filter.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { CATEGORIES, CRITICALITIES, STATUSES } from './query.js';

const DAY = 86400000;
const pad = (n) => String(n).padStart(2, '0');
// <input type=datetime-local> speaks the browser's local time.
const localValue = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const readLocal = (value) => (value ? new Date(value).getTime() : null);

function checks(id, legend, values, label) {
  return h('fieldset.alarms-checks', { id },
    h('legend', legend),
    values.map((v) => h('label.check', h('input', { type: 'checkbox', value: v }), label(v))));
}
const checked = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);

export function filterForm({ sources, onApply }) {
  const preset = h('select', { id: 'alarms-period' },
    ['day', 'week', 'month', 'all', 'custom'].map((p) => h('option', { value: p }, t('alarms.period.' + p))));
  const from = h('input', { type: 'datetime-local', id: 'alarms-from' });
  const to = h('input', { type: 'datetime-local', id: 'alarms-to' });
  const type = h('select', { id: 'alarms-type' }, ['all', 'alarm', 'event'].map((v) => h('option', { value: v }, t('alarms.type.' + v))));
  const source = h('select', { id: 'alarms-source', multiple: true, size: Math.min(6, Math.max(2, sources.length)) },
    sources.map((s) => h('option', { value: s }, s)));
  const category = checks('alarms-category', t('alarms.filter.category'), CATEGORIES, (v) => t('alarms.category.' + v));
  const status = checks('alarms-status', t('alarms.filter.status'), STATUSES, (v) => t('alarms.status.' + v));
  const criticality = checks('alarms-criticality', t('alarms.filter.criticality'), CRITICALITIES, (v) => t('alarms.criticality.' + v));

  const setPreset = (p) => {
    preset.value = p;
    const now = Date.now();
    const span = { day: DAY, week: 7 * DAY, month: 30 * DAY }[p];
    if (span) { from.value = localValue(now - span); to.value = ''; }
    if (p === 'all') { from.value = ''; to.value = ''; }
  };
  preset.addEventListener('change', () => setPreset(preset.value));
  for (const input of [from, to]) input.addEventListener('input', () => { preset.value = 'custom'; });

  function selection() {
    return {
      type: type.value,
      sources: [...source.selectedOptions].map((o) => o.value),
      categories: checked(category), statuses: checked(status), criticalities: checked(criticality),
      from: readLocal(from.value), to: readLocal(to.value),
    };
  }
  function reset() {
    setPreset('day');
    type.value = 'all';
    for (const o of source.options) o.selected = false;
    for (const i of [category, status, criticality].flatMap((b) => [...b.querySelectorAll('input')])) i.checked = false;
  }
  reset();

  const el = h('form.alarms-filters', { id: 'alarms-filters', onsubmit: (e) => { e.preventDefault(); onApply(selection()); } },
    h('h2', t('alarms.selection')),
    h('label', t('alarms.filter.period'), preset),
    h('label', t('alarms.filter.from'), from),
    h('label', t('alarms.filter.to'), to),
    h('label', t('alarms.filter.type'), type),
    h('label', t('alarms.filter.source'), source),
    category, status, criticality,
    h('div.actions',
      h('button.btn.primary', { type: 'submit', id: 'alarms-apply' }, t('alarms.apply')),
      h('button.btn', { type: 'button', id: 'alarms-reset', onclick: () => { reset(); onApply(selection()); } }, t('alarms.reset'))));
  return { el, selection };
}
