// Admin > Configuration > Models (manual §8.2.1, §8.3.7): the four predefined models, read-only
// (profiles/models.yaml), and the site's "Custom" models (`models:` of the site file: id, name,
// history_period_s, history, datalogger, data), created, modified and deleted here.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { mountTab, listEditing, status, bool, num, list } from './editing.js';
import { modelForm } from './models/form.js';

export function render(container) {
  return mountTab(container, 'cfg-models', show);
}

// "1 h 2 min 3 s" from seconds.
export function period(s) {
  s = num(s) ?? 600;
  const parts = [[Math.floor(s / 3600), 'h'], [Math.floor(s / 60) % 60, 'min'], [s % 60, 's']].filter(([v]) => v);
  return parts.length ? parts.map(([v, u]) => `${v} ${u}`).join(' ') : '0 s';
}

const flag = (v) => (v ? t('cfgx.yes') : t('cfgx.no'));

function show(root, doc, running) {
  // The running catalog, and the site's custom data the running site may not have taken yet.
  const known = new Set((running.catalog || []).map((d) => d.name));
  const catalog = [...(running.catalog || []), ...list(doc.site.data).filter((d) => !known.has(d.name)).map((d) => ({ ...d, custom: true }))];
  const predefined = (running.models || []).filter((m) => !m.custom);
  const line = status();
  const panel = h('div.cfgx-panel');

  const custom = () => list(doc.site.models);

  const redraw = () => {
    clear(root).append(
      h('h2', t('cfgx.models.title')),
      h('p.muted', t('cfgx.models.about')),
      line.el,
      h('h3', t('cfgx.models.predefined')),
      table('cfg-models-predefined', predefined.map((m) => ({ m, readonly: true }))),
      h('h3', t('cfgx.models.custom')),
      custom().length ? table('cfg-models-custom', custom().map((m, i) => ({ m, index: i })))
        : h('p.muted', t('cfgx.models.none')),
      h('p', h('button.btn.primary', { type: 'button', id: 'cfg-model-add', onclick: () => edit(-1, blank) }, t('cfgx.models.add'))),
      panel);
  };

  const table = (id, rows) => h('table.data.cfgx-table', { id },
    h('thead', h('tr', ['name', 'id', 'period', 'history', 'datalogger', 'data', 'actions']
      .map((c) => h('th', { scope: 'col' }, t('cfgx.models.col.' + c))))),
    h('tbody', rows.map(({ m, index, readonly }) => h('tr', { dataset: { id: m.id } },
      h('th', { scope: 'row' }, m.name || m.id),
      h('td', m.id),
      h('td', period(m.history_period_s)),
      h('td', flag(bool(m.history, true))),
      h('td', flag(bool(m.datalogger, false))),
      h('td.num', String(list(m.data).length)),
      h('td.cfgx-actions', readonly
        ? [h('span.cfgx-lock', t('cfgx.readonly')),
          h('button.btn', { type: 'button', 'data-action': 'view', onclick: () => view(m) }, t('cfgx.view'))]
        : [h('button.btn', { type: 'button', 'data-action': 'edit', onclick: () => edit(index) }, t('cfgx.modify')),
          h('button.btn', { type: 'button', 'data-action': 'delete', onclick: () => remove(index, m.name || m.id) }, t('cfgx.delete'))])))));

  // A predefined model: its data, nothing to change.
  const view = (m) => {
    clear(panel).append(modelForm({ model: m, catalog, readonly: true, onCancel: () => clear(panel) }));
  };

  const { edit, remove } = listEditing({
    doc, key: 'models', panel, line, redraw: () => redraw(), confirmKey: 'cfgx.models.confirm_delete',
    makeForm: ({ item, path, at, isNew, onSave, onCancel }) => modelForm({
      model: item, catalog, path, isNew, onCancel,
      taken: new Set([...predefined, ...custom()].map((m) => m.id).filter((id) => isNew || id !== item.id)),
      onSave: (next) => onSave(next, (errors) => byIndex(errors, next.id, at)),
    }),
  });
  const blank = { id: '', name: '', history_period_s: 600, history: true, datalogger: false, data: [] };

  // The loader's cross-checks name a model by id ("models.<id>.data"): the form's paths are indexes.
  const byIndex = (errors, id, at) => errors.map((e) => {
    const m = /^models\.([^.[]+)(.*)$/.exec(e.path);
    const i = !m ? -1 : m[1] === id ? at : custom().findIndex((x) => x.id === m[1]);
    return i >= 0 ? { ...e, path: `models[${i}]${m[2]}` } : e;
  });

  redraw();
}
