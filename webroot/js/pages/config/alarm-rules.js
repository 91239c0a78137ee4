// Admin > Configuration > Alarm rules: the `alarms:` section of the site file (docs/alarms.md):
// every rule with its kind, data, thresholds, deadband, delays and criticality; add, modify,
// delete. A save is applied as a reload: the alarm engine takes the new rules at once.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { mountTab, listEditing, status, list } from './editing.js';
import { ruleForm, LIMITS } from './alarm-rules/form.js';

export function render(container) {
  return mountTab(container, 'cfg-alarm-rules', show);
}

// "high 50.5 (critical)" for each limit the rule has.
function thresholds(rule) {
  return LIMITS.filter((l) => rule[l] !== undefined && rule[l] !== null).map((l) => {
    const v = rule[l];
    return typeof v === 'object' ? `${t('cfgx.rules.key.' + l)} ${v.value} (${t('cfgx.rules.crit.' + v.criticality)})` : `${t('cfgx.rules.key.' + l)} ${v}`;
  }).join(', ');
}

function selection(rule) {
  const parts = ['sources', 'usage', 'models', 'circuits', 'hierarchies'].filter((k) => list(rule[k]).length).map((k) => list(rule[k]).join(', '));
  return parts.join(' · ') || t('cfgx.rules.everything');
}

function show(root, doc, running) {
  const line = status();
  const panel = h('div.cfgx-panel');
  const rules = () => list(doc.site.alarms);

  const redraw = () => {
    clear(root).append(
      h('h2', t('cfgx.rules.title')),
      h('p.muted', t('cfgx.rules.about')),
      line.el,
      rules().length ? h('table.data.cfgx-table', { id: 'cfg-rules' },
        h('thead', h('tr', ['name', 'kind', 'data', 'selection', 'thresholds', 'deadband', 'delays', 'criticality', 'actions'].map((c) => h('th', { scope: 'col' }, t('cfgx.rules.col.' + c))))),
        h('tbody', rules().map((r, i) => h('tr', { dataset: { name: r.name } },
          h('th', { scope: 'row' }, r.name),
          h('td', t('cfgx.rules.kind.' + (r.kind || 'limit'))),
          h('td', r.data ?? '—'),
          h('td', selection(r)),
          h('td.thresholds', thresholds(r) || '—'),
          h('td', r.deadband ?? '—'),
          h('td', r.on_delay_s !== undefined || r.off_delay_s !== undefined ? `${r.on_delay_s ?? 0} s / ${r.off_delay_s ?? 0} s` : '—'),
          h('td', t('cfgx.rules.crit.' + (r.criticality || 'medium'))),
          h('td.cfgx-actions',
            h('button.btn', { type: 'button', 'data-action': 'edit', onclick: () => edit(i) }, t('cfgx.modify')),
            h('button.btn', { type: 'button', 'data-action': 'delete', onclick: () => remove(i, r.name) }, t('cfgx.delete')))))))
        : h('p.muted', t('cfgx.rules.none')),
      h('p', h('button.btn.primary', { type: 'button', id: 'rule-add', onclick: () => edit(-1, blank) }, t('cfgx.rules.add'))),
      panel);
  };

  const { edit, remove } = listEditing({
    doc, key: 'alarms', panel, line, redraw: () => redraw(), confirmKey: 'cfgx.rules.confirm_delete',
    makeForm: ({ item, path, onSave, onCancel }) => ruleForm({
      rule: item, path, catalog: running.catalog || [], running, onSave, onCancel,
      hierarchies: list(doc.site.hierarchies).map((x) => x.name),
    }),
  });
  const blank = { name: '', kind: 'limit', criticality: 'medium' };

  redraw();
}
