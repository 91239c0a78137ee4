// Configuration tab "Data" (manual §8.3.6): every data the circuits collect (the profile's
// points of the circuit that its models name), searched by device, circuit or data name,
// filtered by status; disable (or enable again) one or a selection. The site file writes a
// data switched off on one circuit as `circuits: [{index, data: [{name, enabled: false}]}]`
// (docs/profiles.md §7.1); enabling removes that entry.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { pagedList } from './devices/list.js';
import { loadAll, saveSite, useStyles, circuitsOf, circuitEntry, dataOf, dataDisabled } from './devices/model.js';

export async function render(container, ctx) {
  useStyles();
  const state = await loadAll(ctx.doc);
  const note = h('p.config-note', { id: 'data-note', role: 'status' });
  const catalog = () => new Map((state.model.catalog || []).map((d) => [d.name, d]));

  const list = pagedList({
    id: 'data',
    heads: [t('circuits.col.device'), t('data.col.circuit'), t('data.col.data'), t('data.col.unit'), t('data.col.description'), t('devices.status'), ''],
    key: (r) => `${r.source}/${r.index}/${r.data}`,
    text: (r) => `${r.source} ${r.circuit} ${r.data}`,
    enabled: (r) => r.enabled,
    searchLabel: t('data.search'),
    cells: (r, tr) => {
      tr.dataset.path = r.ci >= 0 ? `sources[${r.si}].circuits[${r.ci}]` : `sources[${r.si}]`;
      const def = catalog().get(r.data);
      return [
        h('td', r.source), h('td', r.circuit), h('td.name', r.data), h('td', def?.unit || ''), h('td.muted', def?.description || ''),
        h('td', r.enabled ? t('devices.status.enabled') : t('devices.status.disabled')),
        h('td.actions', h('button.btn', { type: 'button', 'data-action': r.enabled ? 'disable' : 'enable', onclick: () => setEnabled([r], !r.enabled) },
          r.enabled ? t('devices.disable') : t('devices.enable'))),
      ];
    },
    bar: [
      h('button.btn', { type: 'button', id: 'data-disable-selected', onclick: () => setEnabled(list.selectedRows(), false) }, t('devices.disable_selected')),
      h('button.btn', { type: 'button', id: 'data-enable-selected', onclick: () => setEnabled(list.selectedRows(), true) }, t('data.enable_selected')),
    ],
  });

  async function setEnabled(rows, on) {
    if (!rows.length) { note.textContent = t('devices.nothing_selected'); return; }
    const site = structuredClone(state.site);
    for (const r of rows) {
      const [entry] = circuitEntry(site.sources[r.si], r.index);
      const others = (entry.data || []).filter((d) => d.name !== r.data);
      if (!on) others.push({ name: r.data, enabled: false });
      if (others.length) entry.data = others; else delete entry.data;
    }
    if (await saveSite(ctx, state, site, list.el, note)) {
      list.clearSelection();
      draw();
    }
  }

  function draw() {
    const cat = catalog();
    const rows = [];
    state.site.sources.forEach((source, si) => {
      for (const c of circuitsOf(state, si))
        for (const data of dataOf(state, source, c))
          rows.push({ si, ci: c.ci, index: c.index, source: source.name, circuit: c.name, data,
            enabled: !dataDisabled(c.entry, data) && cat.get(data)?.enabled !== false });
    });
    list.setRows(rows);
  }

  container.append(h('div.devices', { id: 'config-data' }, h('div.devices-head', h('h2', t('config.tab.data'))), h('p.muted', t('data.about')), note, list.el));
  draw();
  return null;
}
