// The form of one model (manual §8.3.7 "Adding a model"): 1. name, 2. data history period in
// hours, minutes and seconds, 3. datalogger, 4. history for Trends and Consumption; then the
// data assigned to it, picked from the catalog (standard and custom data) by group.
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { field, checkbox, num, bool, list, showErrors } from '../editing.js';
import { dataPicker } from './data-picker.js';

// A model id from its name: lower case, a-z 0-9 and _.
export const slug = (name) => name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

export function modelForm({ model, catalog, path, isNew = false, readonly = false, taken = new Set(), onSave, onCancel }) {
  const seconds = num(model.history_period_s) ?? 600;
  const input = (id, value, props = {}) => h('input', { id, value: value ?? '', disabled: readonly, ...props });
  const name = input('cfg-model-name', model.name || '', { required: true, maxlength: 80 });
  const id = input('cfg-model-id', model.id || '', { required: true, disabled: readonly || !isNew, pattern: '[a-z0-9_]+' });
  const hours = input('cfg-model-hours', Math.floor(seconds / 3600), { type: 'number', min: 0, step: 1 });
  const minutes = input('cfg-model-minutes', Math.floor(seconds / 60) % 60, { type: 'number', min: 0, max: 59, step: 1 });
  const secs = input('cfg-model-seconds', seconds % 60, { type: 'number', min: 0, max: 59, step: 1 });
  const history = checkbox('cfg-model-history', t('cfgx.models.history'), bool(model.history, true), path && `${path}.history`);
  const datalogger = checkbox('cfg-model-datalogger', t('cfgx.models.datalogger'), bool(model.datalogger, false), path && `${path}.datalogger`);
  for (const box of [history, datalogger]) box.querySelector('input').disabled = readonly;
  const picker = dataPicker({ catalog, selected: list(model.data), readonly });
  if (path) picker.el.dataset.path = `${path}.data`;
  const periodBox = h('div.cfgx-period', { dataset: path ? { path: `${path}.history_period_s` } : {} },
    h('span', hours, h('small', t('cfgx.models.hours'))), h('span', minutes, h('small', t('cfgx.models.minutes'))),
    h('span', secs, h('small', t('cfgx.models.seconds'))));
  if (isNew) name.addEventListener('input', () => { if (!id.dataset.touched) id.value = slug(name.value); });
  id.addEventListener('input', () => { id.dataset.touched = '1'; });

  const general = h('div.cfgx-general');
  const form = h('form.card.cfgx-form', { id: 'cfg-model-form', novalidate: true, dataset: { readonly: readonly ? 'true' : 'false' } },
    h('h3', readonly ? t('cfgx.models.view_title', { name: model.name || model.id }) : isNew ? t('cfgx.models.add') : t('cfgx.models.edit_title', { name: model.name || model.id })),
    readonly ? h('p.cfgx-lock', t('cfgx.models.predefined_readonly')) : null,
    h('div.cfgx-grid',
      field(t('cfgx.models.name'), name, path && `${path}.name`),
      field(t('cfgx.models.id'), id, path && `${path}.id`),
      h('div.cfgx-field', h('label', { for: hours.id }, t('cfgx.models.period')), periodBox),
      h('div', history, datalogger)),
    h('h3', t('cfgx.models.data')),
    picker.el,
    general,
    h('div.cfgx-buttons',
      readonly ? null : h('button.btn.primary', { type: 'submit', id: 'cfg-model-save' }, t('cfgx.save')),
      h('button.btn', { type: 'button', onclick: onCancel }, readonly ? t('cfgx.close') : t('cfgx.cancel'))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (readonly) return;
    const newId = id.value.trim();
    // The server would take a second model of the same id for a change of that model.
    if (isNew && taken.has(newId)) {
      showErrors(form, [{ path: `${path}.id`, message: t('cfgx.models.id_taken', { id: newId }) }], general);
      return;
    }
    const total = (num(hours.value) ?? 0) * 3600 + (num(minutes.value) ?? 0) * 60 + (num(secs.value) ?? 0);
    // Keys the form does not show stay as they are.
    const next = { ...model, id: newId, name: name.value.trim(), history_period_s: total,
      history: history.querySelector('input').checked, datalogger: datalogger.querySelector('input').checked,
      data: picker.value() };
    form.querySelector('#cfg-model-save').disabled = true;
    try { await onSave(next); } finally { form.querySelector('#cfg-model-save') && (form.querySelector('#cfg-model-save').disabled = false); }
  });
  return form;
}
