// The form of one alarm rule (docs/alarms.md "Rules"): name, kind, criticality, the data and
// the circuits it watches (sources, usage, models, circuits), the kind's own settings (limits
// with their own criticality, deadband, on/off delays, stale time, state value and bit,
// nominal voltage, hierarchies), the message in English and French, shelving and suppression.
// Only the keys of the chosen kind are written; values go as typed, the server checks them.
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { field, showErrors, list } from '../editing.js';

export const KINDS = ['limit', 'stale', 'state', 'device_alarm', 'comm_lost', 'atys_transfer', 'hierarchy_balance', 'voltage_events'];
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'];
export const LIMITS = ['high_high', 'high', 'low', 'low_low'];
const SELECTORS = ['sources', 'usage', 'models', 'circuits'];
// The keys each kind accepts besides the common ones (libs/alarms rule_parser.cpp keys_of).
export const KIND_KEYS = {
  limit: ['data', ...LIMITS, 'deadband', 'on_delay_s', 'off_delay_s', ...SELECTORS],
  stale: ['data', 'stale_after_s', ...SELECTORS],
  state: ['data', 'equals', 'bit', 'on_delay_s', 'off_delay_s', ...SELECTORS],
  device_alarm: ['data', 'bit', 'on_delay_s', 'off_delay_s', ...SELECTORS],
  comm_lost: ['on_delay_s', 'off_delay_s', ...SELECTORS],
  atys_transfer: [...SELECTORS],
  hierarchy_balance: ['hierarchies'],
  voltage_events: ['nominal_v', 'phases', ...SELECTORS],
};
const ALL_KIND_KEYS = new Set(Object.values(KIND_KEYS).flat());

// A typed value: a number when it reads as one, else the text as typed (the server says why).
const typed = (s) => {
  const v = s.trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
};
const words = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const text = (v) => (v === undefined || v === null ? '' : String(v));

export function ruleForm({ rule, path, catalog, running, hierarchies, onSave, onCancel }) {
  const kind0 = rule.kind || 'limit';
  const input = (key, value, props = {}) => h('input', { id: 'rule-' + key.replace(/_/g, '-'), value: text(value), autocomplete: 'off', ...props });
  const select = (key, values, value, label = (v) => v) => h('select', { id: 'rule-' + key.replace(/_/g, '-') },
    values.map((v) => h('option', { value: v, selected: v === value }, label(v))));
  const kind = select('kind', KINDS, kind0, (v) => t('cfgx.rules.kind.' + v));
  const name = input('name', rule.name, { required: true, maxlength: 80 });
  const criticality = select('criticality', CRITICALITIES, rule.criticality || 'medium', (v) => t('cfgx.rules.crit.' + v));
  const data = input('data', rule.data, { list: 'rule-data-names' });
  const plain = (key) => input(key, rule[key], { inputmode: 'decimal' });
  const delays = { on_delay_s: plain('on_delay_s'), off_delay_s: plain('off_delay_s') };
  const deadband = input('deadband', rule.deadband, { placeholder: '0.1 / 2%' });
  const staleAfter = plain('stale_after_s');
  const equals = plain('equals');
  const bit = plain('bit');
  const nominal = plain('nominal_v');
  const phases = input('phases', list(rule.phases).join(', '), { placeholder: 'IV1Inst, IV2Inst, IV3Inst' });
  const limitInputs = Object.fromEntries(LIMITS.map((l) => {
    const v = rule[l];
    const value = v !== null && typeof v === 'object' ? v.value : v;
    const crit = v !== null && typeof v === 'object' ? v.criticality || '' : '';
    return [l, { value: input(l, value, { inputmode: 'decimal' }), crit: select(l + '_criticality', ['', ...CRITICALITIES], crit, (c) => (c ? t('cfgx.rules.crit.' + c) : t('cfgx.rules.crit.rule'))) }];
  }));
  const sourceNames = (running.sources || []).map((s) => s.name);
  const sources = input('sources', list(rule.sources).join(', '), { list: 'rule-source-names', placeholder: sourceNames.slice(0, 2).join(', ') });
  const usage = input('usage', list(rule.usage).join(', '));
  const models = input('models', list(rule.models).join(', '), { list: 'rule-model-names' });
  const circuits = input('circuits', list(rule.circuits).join(', '), { placeholder: 'SOURCE/1' });
  const hierBoxes = hierarchies.map((n) => h('div.cfgx-check', h('input', { type: 'checkbox', value: n, id: 'rule-hier-' + n, checked: list(rule.hierarchies).includes(n) }), h('label', { for: 'rule-hier-' + n }, n)));
  const hierBox = h('div', { dataset: { path: `${path}.hierarchies` } }, hierBoxes.length ? hierBoxes : h('p.muted', t('cfgx.hier.none')));
  const message = rule.message;
  const msgEn = h('textarea.cfgx-message', { id: 'rule-message-en', rows: 2 }, typeof message === 'string' ? message : text(message?.en));
  const msgFr = h('textarea.cfgx-message', { id: 'rule-message-fr', rows: 2 }, typeof message === 'object' && message ? text(message.fr) : '');
  const maxShelve = plain('max_shelve_s');
  const suppressed = input('suppressed_by', list(rule.suppressed_by).join(', '));

  const at = (key, el) => field(t('cfgx.rules.key.' + key), el, `${path}.${key}`);
  // Parts shown for the kinds that take their keys.
  const part = (keys, el) => { el.dataset.keys = keys.join(' '); return el; };
  const limitsPart = part(['high'], h('div.cfgx-rule-limits', LIMITS.map((l) => h('fieldset', { dataset: { path: `${path}.${l}` } },
    h('legend', t('cfgx.rules.key.' + l)), field(t('cfgx.rules.value'), limitInputs[l].value), field(t('cfgx.rules.key.criticality'), limitInputs[l].crit)))));
  const parts = [
    part(['data'], at('data', data)),
    limitsPart,
    part(['deadband'], at('deadband', deadband)),
    part(['on_delay_s'], at('on_delay_s', delays.on_delay_s)),
    part(['off_delay_s'], at('off_delay_s', delays.off_delay_s)),
    part(['stale_after_s'], at('stale_after_s', staleAfter)),
    part(['equals'], at('equals', equals)),
    part(['bit'], at('bit', bit)),
    part(['nominal_v'], at('nominal_v', nominal)),
    part(['phases'], at('phases', phases)),
    part(['sources'], at('sources', sources)),
    part(['usage'], at('usage', usage)),
    part(['models'], at('models', models)),
    part(['circuits'], at('circuits', circuits)),
    part(['hierarchies'], h('div.cfgx-field', h('label', t('cfgx.rules.key.hierarchies')), hierBox)),
  ];
  const showParts = () => {
    const keys = new Set(KIND_KEYS[kind.value]);
    for (const p of parts) p.hidden = !p.dataset.keys.split(' ').some((k) => keys.has(k));
  };
  kind.addEventListener('change', showParts);
  showParts();

  const general = h('div.cfgx-general');
  const form = h('form.card.cfgx-form', { id: 'rule-form', novalidate: true },
    h('h3', rule.name ? t('cfgx.rules.edit_title', { name: rule.name }) : t('cfgx.rules.add')),
    h('div.cfgx-grid', at('name', name), at('kind', kind), at('criticality', criticality)),
    h('div.cfgx-grid', parts.filter((p) => p !== limitsPart)),
    limitsPart,
    h('div.cfgx-grid', field(t('cfgx.rules.message_en'), msgEn, `${path}.message`), field(t('cfgx.rules.message_fr'), msgFr),
      at('max_shelve_s', maxShelve), at('suppressed_by', suppressed)),
    h('datalist', { id: 'rule-data-names' }, catalog.map((d) => h('option', { value: d.name }, d.description || d.name))),
    h('datalist', { id: 'rule-source-names' }, sourceNames.map((n) => h('option', { value: n }))),
    h('datalist', { id: 'rule-model-names' }, (running.models || []).map((m) => h('option', { value: m.id }, m.name))),
    general,
    h('div.cfgx-buttons',
      h('button.btn.primary', { type: 'submit', id: 'rule-save' }, t('cfgx.save')),
      h('button.btn', { type: 'button', onclick: onCancel }, t('cfgx.cancel'))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!name.value.trim()) return showErrors(form, [{ path: `${path}.name`, message: t('cfgx.required') }], general);
    // Keys of no kind that the form does not show (none today) stay; the kinds' keys are rewritten.
    const next = Object.fromEntries(Object.entries(rule).filter(([k]) => !ALL_KIND_KEYS.has(k)
      && !['name', 'kind', 'criticality', 'message', 'max_shelve_s', 'suppressed_by'].includes(k)));
    next.name = name.value.trim();
    if (kind.value !== 'limit' || rule.kind) next.kind = kind.value;
    next.criticality = criticality.value;
    const keys = new Set(KIND_KEYS[kind.value]);
    const put = (key, value) => { if (keys.has(key) && value !== undefined && !(Array.isArray(value) && !value.length)) next[key] = value; };
    put('data', data.value.trim() || undefined);
    for (const l of LIMITS) {
      const v = typed(limitInputs[l].value.value);
      const c = limitInputs[l].crit.value;
      put(l, v === undefined ? undefined : c ? { value: v, criticality: c } : v);
    }
    put('deadband', typed(deadband.value));
    put('on_delay_s', typed(delays.on_delay_s.value));
    put('off_delay_s', typed(delays.off_delay_s.value));
    put('stale_after_s', typed(staleAfter.value));
    put('equals', typed(equals.value));
    put('bit', typed(bit.value));
    put('nominal_v', typed(nominal.value));
    put('phases', words(phases.value));
    put('sources', words(sources.value));
    put('usage', words(usage.value));
    put('models', words(models.value));
    put('circuits', words(circuits.value));
    put('hierarchies', hierBoxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value));
    const en = msgEn.value.trim(), fr = msgFr.value.trim();
    const others = message && typeof message === 'object' ? Object.fromEntries(Object.entries(message).filter(([k]) => k !== 'en' && k !== 'fr')) : {};
    if (fr || Object.keys(others).length) next.message = { ...others, ...(en ? { en } : {}), ...(fr ? { fr } : {}) };
    else if (en) next.message = en;
    if (typed(maxShelve.value) !== undefined) next.max_shelve_s = typed(maxShelve.value);
    if (words(suppressed.value).length) next.suppressed_by = words(suppressed.value);
    const save = form.querySelector('#rule-save');
    save.disabled = true;
    try { await onSave(next); } finally { save.disabled = false; }
    return 0;
  });
  return form;
}
