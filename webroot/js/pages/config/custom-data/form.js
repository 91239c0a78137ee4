// The form of one custom data (manual §8.3.8 "Screen for adding Custom data"): 1. the type,
// 2. the group among the type's groups ("custom" when none fits), 3. the name, 4. the
// description, 5. the unit; a meter may be a counter (its differences are consumption).
import { h, clear } from '../../../dom.js';
import { t, tOr } from '../../../i18n.js';
import { field, checkbox, bool, showErrors } from '../editing.js';

export const TYPES = ['measure', 'meter', 'status', 'alarm'];

export function dataForm({ data, catalog, path, modbus, onSave, onCancel }) {
  const groupsOf = (type) => [...new Set(catalog.filter((d) => d.type === type && !d.custom).map((d) => d.group)), 'custom'];
  const type = h('select', { id: 'cfg-data-type' }, TYPES.map((v) => h('option', { value: v, selected: v === (data.type || 'measure') }, tOr('cfgx.type.' + v, v))));
  const group = h('select', { id: 'cfg-data-group' });
  const fillGroups = (keep) => {
    const groups = groupsOf(type.value);
    if (keep && !groups.includes(keep)) groups.unshift(keep);
    clear(group).append(...groups.map((g) => h('option', { value: g, selected: g === keep }, tOr('cfgx.group.' + g, g))));
  };
  fillGroups(data.group || 'custom');
  const name = h('input', { id: 'cfg-data-name', value: data.name || '', required: true, maxlength: 64, autocomplete: 'off' });
  const description = h('input', { id: 'cfg-data-description', value: data.description || '', maxlength: 200 });
  const units = [...new Set(catalog.map((d) => d.unit).filter(Boolean))].sort();
  const unit = h('input', { id: 'cfg-data-unit', value: data.unit || '', list: 'cfg-data-units', maxlength: 20 });
  const counter = checkbox('cfg-data-counter', t('cfgx.data.counter'), bool(data.counter, false), `${path}.counter`);
  const enabled = checkbox('cfg-data-enabled', t('cfgx.data.enabled'), bool(data.enabled, true), `${path}.enabled`);
  const showCounter = () => { counter.hidden = type.value !== 'meter'; };
  type.addEventListener('change', () => { fillGroups(group.value === 'custom' ? 'custom' : undefined); showCounter(); });
  showCounter();

  const general = h('div.cfgx-general');
  const form = h('form.card.cfgx-form', { id: 'cfg-data-form', novalidate: true },
    h('h3', data.name ? t('cfgx.data.edit_title', { name: data.name }) : t('cfgx.data.add')),
    h('div.cfgx-grid',
      field(t('cfgx.data.type'), type, `${path}.type`),
      field(t('cfgx.data.group'), group, `${path}.group`),
      field(t('cfgx.data.name'), name, `${path}.name`),
      field(t('cfgx.data.description'), description, `${path}.description`),
      field(t('cfgx.data.unit'), unit, `${path}.unit`),
      h('div', counter, enabled)),
    h('datalist', { id: 'cfg-data-units' }, units.map((u) => h('option', { value: u }))),
    h('h3', t('cfgx.data.modbus')),
    modbus || h('p.muted', t('cfgx.data.modbus_new')),
    general,
    h('div.cfgx-buttons',
      h('button.btn.primary', { type: 'submit', id: 'cfg-data-save' }, t('cfgx.save')),
      h('button.btn', { type: 'button', onclick: onCancel }, t('cfgx.cancel'))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = name.value.trim();
    if (!n) return showErrors(form, [{ path: `${path}.name`, message: t('cfgx.required') }], general);
    const next = { ...data, name: n, type: type.value, group: group.value, unit: unit.value.trim(), description: description.value.trim() };
    if (type.value === 'meter' && counter.querySelector('input').checked) next.counter = true;
    else delete next.counter;
    if (enabled.querySelector('input').checked) delete next.enabled;
    else next.enabled = false;
    const save = form.querySelector('#cfg-data-save');
    save.disabled = true;
    try { await onSave(next); } finally { save.disabled = false; }
    return 0;
  });
  return form;
}
