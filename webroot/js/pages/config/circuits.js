// Configuration tab "Circuits" (manual §8.3.5, §8.4.4): every measurement circuit of every
// source, grouped by device (one colour per device), those the profile implies included.
// Search by name, enabled/disabled, select one / the page / all pages; edit one circuit's
// name, fluid, usage and models, or the fluid, usage and models of a selection at once;
// disable one or a selection; add a circuit to a generic Modbus device (profile family
// GENERIC: the kernel takes as many circuits as its site entry declares). A circuit the profile
// implies gets its own entry in the file when first changed.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { pagedList } from './devices/list.js';
import { loadAll, saveSite, useStyles, circuitsOf, circuitEntry, profileOf, isGeneric, field, select } from './devices/model.js';

export const FLUIDS = ['electricity', 'gas', 'water', 'chilled water', 'heating', 'compressed air', 'fuel', 'steam'];

export async function render(container, ctx) {
  useStyles();
  const state = await loadAll(ctx.doc);
  let editing = null; // key of the circuit being edited
  const note = h('p.config-note', { id: 'circuits-note', role: 'status' });
  const keyOf = (c) => `${state.site.sources[c.si].name}/${c.index}`;
  const usages = () => [...new Set(state.site.sources.flatMap((s, si) => circuitsOf(state, si).map((c) => c.usage)).filter(Boolean))].sort();
  const modelIds = () => (state.model.models || []).map((m) => [m.id, m.name || m.id]);

  const list = pagedList({
    id: 'circuits',
    heads: [t('circuits.col.device'), t('circuits.col.index'), t('circuits.col.name'), t('circuits.col.fluid'), t('circuits.col.usage'), t('circuits.col.models'), t('devices.status'), ''],
    key: keyOf,
    text: (c) => c.name,
    enabled: (c) => c.enabled && state.site.sources[c.si].enabled !== false,
    searchLabel: t('circuits.search'),
    cells: (c, tr) => {
      tr.classList.add(c.group % 2 ? 'group-odd' : 'group-even');
      tr.dataset.source = state.site.sources[c.si].name;
      return keyOf(c) === editing ? editCells(c, tr) : viewCells(c, tr);
    },
    bar: [
      h('button.btn', { type: 'button', id: 'circuits-edit-selected', onclick: () => bulkForm() }, t('circuits.edit_selected')),
      h('button.btn', { type: 'button', id: 'circuits-disable-selected', onclick: () => disable(list.selectedRows()) }, t('devices.disable_selected')),
    ],
  });

  const modelText = (c) => (c.models === null ? t('circuits.models.all') : c.models.length ? c.models.join(', ') : t('circuits.models.none'));

  function viewCells(c, tr) {
    const source = state.site.sources[c.si];
    tr.dataset.path = c.ci >= 0 ? `sources[${c.si}].circuits[${c.ci}]` : `sources[${c.si}]`;
    const generic = isGeneric(profileOf(state, source));
    return [
      h('td.device', c.index === firstIndex(c.si) ? [source.name, generic ? h('span.muted', ' · ' + t('sources.generic')) : null] : ''),
      h('td', String(c.index)),
      h('td.name', c.name),
      h('td', c.fluid),
      h('td', c.usage),
      h('td', modelText(c)),
      h('td', c.enabled ? t('devices.status.enabled') : t('devices.status.disabled')),
      h('td.actions',
        h('button.btn', { type: 'button', 'data-action': 'edit', onclick: () => { editing = keyOf(c); ctx.setDirty(true); list.redraw(); } }, t('devices.edit')),
        h('button.btn', { type: 'button', 'data-action': c.enabled ? 'disable' : 'enable', onclick: () => (c.enabled ? disable([c]) : enable(c)) }, c.enabled ? t('devices.disable') : t('devices.enable')),
        generic && c.index === lastIndex(c.si) ? h('button.btn', { type: 'button', 'data-action': 'add-circuit', onclick: () => addCircuit(c.si) }, '+ ' + t('circuits.add')) : null),
    ];
  }

  const firstIndex = (si) => circuitsOf(state, si)[0]?.index;
  const lastIndex = (si) => circuitsOf(state, si).at(-1)?.index;

  // The inputs of one circuit (or of a selection: no name, "unchanged" allowed).
  function inputs(c, base, many) {
    const name = many ? null : h('input', { type: 'text', value: c.name, 'aria-label': t('circuits.col.name'), 'data-path': `${base}.name` });
    const fluid = h('input', { type: 'text', list: 'circuits-fluids', value: many ? '' : c.fluid, placeholder: many ? t('circuits.unchanged') : '', 'aria-label': t('circuits.col.fluid'), 'data-path': `${base}.fluid` });
    const usage = h('input', { type: 'text', list: 'circuits-usages', value: many ? '' : c.usage, placeholder: many ? t('circuits.unchanged') : '', 'aria-label': t('circuits.col.usage'), 'data-path': `${base}.usage` });
    const mode = select([...(many ? [['keep', t('circuits.unchanged')]] : []), ['all', t('circuits.models.all')], ['some', t('circuits.models.some')]],
      many ? 'keep' : c.models === null ? 'all' : 'some', { 'aria-label': t('circuits.col.models') });
    const boxes = modelIds().map(([id, label]) => h('label.check', h('input', { type: 'checkbox', value: id, checked: !many && !!c.models?.includes(id) }), ' ', label));
    const pick = h('span.devices-models', { 'data-path': `${base}.models` }, boxes);
    const sync = () => { pick.hidden = mode.value !== 'some'; };
    mode.addEventListener('change', sync);
    sync();
    const models = h('span', mode, pick);
    return { name, fluid, usage, mode, models, chosen: () => boxes.map((b) => b.firstChild).filter((x) => x.checked).map((x) => x.value) };
  }

  // Writes the inputs into the circuit's file entry; `many`: only what was given.
  function write(entry, f, many) {
    if (f.name) entry.name = f.name.value.trim();
    for (const k of ['fluid', 'usage']) {
      const v = f[k].value.trim();
      if (v || !many) { if (v) entry[k] = v; else delete entry[k]; }
    }
    if (f.mode.value === 'all') delete entry.models;
    if (f.mode.value === 'some') entry.models = f.chosen();
  }

  function editCells(c, tr) {
    const source = state.site.sources[c.si];
    // The entry's place after the save: its own, or the end of the list for an implied one.
    const ci = c.ci >= 0 ? c.ci : (source.circuits || []).length;
    const base = `sources[${c.si}].circuits[${ci}]`;
    tr.dataset.path = base;
    tr.classList.add('editing');
    const f = inputs(c, base, false);
    const save = () => change((site) => write(circuitEntry(site.sources[c.si], c.index)[0], f, false), tr);
    return [
      h('td.device', source.name), h('td', String(c.index)), h('td', f.name), h('td', f.fluid), h('td', f.usage), h('td', f.models),
      h('td', c.enabled ? t('devices.status.enabled') : t('devices.status.disabled')),
      h('td.actions',
        h('button.btn.primary', { type: 'button', 'data-action': 'save', onclick: save }, t('devices.save')),
        h('button.btn', { type: 'button', 'data-action': 'cancel', onclick: () => { editing = null; ctx.setDirty(false); draw(); } }, t('common.cancel'))),
    ];
  }

  // Fluid, usage and models of every selected circuit at once (manual §8.3.5 item 9).
  const bulkHost = h('div', { id: 'circuits-bulk-host' });
  function bulkForm() {
    const chosen = list.selectedRows();
    clear(bulkHost);
    if (!chosen.length) { note.textContent = t('devices.nothing_selected'); return; }
    const f = inputs({}, 'sources', true);
    const form = h('form.devices-form', { id: 'circuits-bulk', onsubmit: async (e) => {
      e.preventDefault();
      const ok = await change((site) => { for (const c of chosen) write(circuitEntry(site.sources[c.si], c.index)[0], f, true); }, form);
      if (ok) { clear(bulkHost); list.clearSelection(); }
    } },
    h('h3', t('circuits.edit_selected_title', { n: chosen.length })),
    h('div.devices-form-grid', field(t('circuits.col.fluid'), f.fluid), field(t('circuits.col.usage'), f.usage), field(t('circuits.col.models'), f.models)),
    h('div.actions', h('button.btn.primary', { type: 'submit', id: 'circuits-bulk-apply' }, t('circuits.apply')),
      h('button.btn', { type: 'button', onclick: () => { clear(bulkHost); ctx.setDirty(false); } }, t('common.cancel'))));
    bulkHost.append(form);
    ctx.setDirty(true);
  }

  function disable(circuits) {
    if (!circuits.length) { note.textContent = t('devices.nothing_selected'); return; }
    change((site) => { for (const c of circuits) circuitEntry(site.sources[c.si], c.index)[0].enabled = false; })
      .then((ok) => ok && list.clearSelection());
  }

  const enable = (c) => change((site) => { delete circuitEntry(site.sources[c.si], c.index)[0].enabled; });

  // A generic device takes one more circuit, after its last (docs/configuration.md).
  function addCircuit(si) {
    const next = (lastIndex(si) || 0) + 1;
    change((site) => {
      const s = site.sources[si];
      if (!Array.isArray(s.circuits)) s.circuits = [];
      s.circuits.push({ index: next, name: `${s.name}/${next}` });
    });
  }

  async function change(mutate, form = list.el) {
    const site = structuredClone(state.site);
    mutate(site);
    const ok = await saveSite(ctx, state, site, form, note);
    if (ok) {
      editing = null;
      draw();
    }
    return ok;
  }

  function draw() {
    const rows = state.site.sources.flatMap((s, si) => circuitsOf(state, si).map((c) => ({ ...c, group: si })));
    clear(lists).append(
      h('datalist', { id: 'circuits-fluids' }, FLUIDS.map((x) => h('option', { value: x }))),
      h('datalist', { id: 'circuits-usages' }, usages().map((x) => h('option', { value: x }))));
    list.setRows(rows);
  }

  const lists = h('div', { hidden: true });
  container.append(h('div.devices', { id: 'config-circuits' }, h('div.devices-head', h('h2', t('config.tab.circuits'))), note, bulkHost, lists, list.el));
  draw();
  return null;
}
