// Admin > Configuration > Custom data (manual §8.2.2, §8.3.8 "Creating Custom data"): the
// standard data (profiles/catalog.yaml, read-only) and the site's custom data (`data:` of the
// site file: name, type, group, unit, description, counter, enabled), created, modified and
// deleted here; each with its Modbus properties: read-only where a profile maps it, edited for
// the sources of the generic Modbus driver (their own `points`, saved with the data).
import { h, clear } from '../../dom.js';
import { t, tOr } from '../../i18n.js';
import { mountTab, listEditing, status, list, bool } from './editing.js';
import { dataForm } from './custom-data/form.js';
import { modbusEditor } from './custom-data/modbus.js';

export function render(container) {
  return mountTab(container, 'cfg-custom-data', show);
}

function show(root, doc, running) {
  const siteNames = () => new Set(list(doc.site.data).map((d) => d.name));
  // The catalog without the site's own custom data (those are the document's, edited here).
  const standard = (running.catalog || []).filter((d) => !siteNames().has(d.name));
  const line = status();
  const panel = h('div.cfgx-panel');
  const custom = () => list(doc.site.data);

  const redraw = () => {
    const search = h('input', { type: 'search', id: 'cfg-standard-search', placeholder: t('cfgx.data.search'), 'aria-label': t('cfgx.data.search') });
    const body = h('tbody');
    const fill = () => {
      const q = search.value.trim().toLowerCase();
      clear(body).append(...standard.filter((d) => !q || `${d.name} ${d.description} ${d.group}`.toLowerCase().includes(q))
        .map((d) => h('tr', { dataset: { name: d.name } }, h('th', { scope: 'row' }, d.name), h('td', tOr('cfgx.type.' + d.type, d.type)),
          h('td', tOr('cfgx.group.' + d.group, d.group)), h('td', d.unit || '—'), h('td.muted', d.description || ''))));
    };
    search.addEventListener('input', fill);
    fill();
    clear(root).append(
      h('h2', t('cfgx.data.title')),
      h('p.muted', t('cfgx.data.about')),
      line.el,
      h('h3', t('cfgx.data.custom')),
      custom().length ? h('table.data.cfgx-table', { id: 'cfg-data-custom' },
        h('thead', h('tr', ['name', 'type', 'group', 'unit', 'description', 'actions'].map((c) => h('th', { scope: 'col' }, t('cfgx.data.col.' + c))))),
        h('tbody', custom().map((d, i) => h('tr', { dataset: { name: d.name } },
          h('th', { scope: 'row' }, d.name, bool(d.enabled, true) ? null : h('small.muted', ` (${t('cfgx.disabled')})`)),
          h('td', tOr('cfgx.type.' + d.type, d.type || '')), h('td', tOr('cfgx.group.' + d.group, d.group || 'custom')),
          h('td', d.unit || '—'), h('td', d.description || ''),
          h('td.cfgx-actions',
            h('button.btn', { type: 'button', 'data-action': 'edit', onclick: () => edit(i) }, t('cfgx.modify')),
            // The data's Modbus mappings on the sources go with it.
            h('button.btn', { type: 'button', 'data-action': 'delete', onclick: () => remove(i, d.name, (site) => modbusEditor(site, running, d.name).apply(site, null)) }, t('cfgx.delete')))))))
        : h('p.muted', t('cfgx.data.none')),
      h('p', h('button.btn.primary', { type: 'button', id: 'cfg-data-add', onclick: () => edit(-1, blank) }, t('cfgx.data.add'))),
      panel,
      h('details.cfgx-standard', h('summary', t('cfgx.data.standard', { n: standard.length })), search,
        h('table.data.cfgx-table', { id: 'cfg-data-standard' },
          h('thead', h('tr', ['name', 'type', 'group', 'unit', 'description'].map((c) => h('th', { scope: 'col' }, t('cfgx.data.col.' + c))))),
          body)));
  };

  const { edit, remove } = listEditing({
    doc, key: 'data', panel, line, redraw: () => redraw(), confirmKey: 'cfgx.data.confirm_delete',
    makeForm: ({ item, path, isNew, onSave, onCancel }) => {
      const modbus = modbusEditor(doc.site, running, isNew ? '' : item.name);
      return dataForm({
        data: item, catalog: running.catalog || [], path, onCancel, modbus: modbus.el,
        // The data and its points in one save: nothing half-saved.
        onSave: (next) => onSave(next, undefined, (site) => modbus.apply(site, next.name)),
      });
    },
  });
  const blank = { name: '', type: 'measure', group: 'custom', unit: '', description: '' };

  redraw();
}
