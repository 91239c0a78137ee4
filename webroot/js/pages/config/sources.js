// Configuration tab "Sources" (manual §8.3.1-8.3.4, §8.4.2-8.4.3): the data sources of the
// site file. Search by name, enabled/disabled, select one / the page / all pages, edit a row,
// refresh it, disable it, disable or delete the selection, lines per page and paging; create a
// device one by one (its reference: every profile, "Generic Modbus device" last; name, zone,
// protocol and address, Modbus unit; its circuits come from the profile); Auto discovery
// (sources/discovery.js). Every change is one PUT of the whole document (config_doc.js).
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { pagedList } from './devices/list.js';
import { loadAll, saveSite, useStyles, profilesById, isGeneric, field, select } from './devices/model.js';
import { connectionOf, connectionFields, readConnection, renameInHierarchies, dropFromHierarchies } from './sources/connection.js';
import { discoveryPanel } from './sources/discovery.js';

export async function render(container, ctx) {
  useStyles();
  const state = await loadAll(ctx.doc);
  let editing = -1; // the file index of the row being edited
  const note = h('p.config-note', { id: 'sources-note', role: 'status' });
  const root = h('div.devices', { id: 'config-sources' });

  const profileName = (id) => profilesById(state.model).get(id)?.name || id;
  const list = pagedList({
    id: 'sources',
    heads: [t('sources.col.name'), t('sources.col.reference'), t('sources.col.zone'), t('sources.col.protocol'), t('sources.col.address'), t('sources.col.unit'), t('devices.status'), ''],
    key: (r) => r.source.name,
    text: (r) => r.source.name,
    enabled: (r) => r.source.enabled !== false,
    searchLabel: t('sources.search'),
    cells: (r, tr) => (r.i === editing ? editCells(r, tr) : viewCells(r, tr)),
    bar: [
      h('button.btn', { type: 'button', id: 'sources-disable-selected', onclick: () => bulk('disable') }, t('devices.disable_selected')),
      h('button.btn', { type: 'button', id: 'sources-delete-selected', onclick: () => bulk('delete') }, t('sources.delete_selected')),
    ],
  });

  function viewCells(r, tr) {
    const s = r.source;
    const c = connectionOf(s);
    tr.dataset.path = `sources[${r.i}]`;
    const on = s.enabled !== false;
    return [
      h('td.name', s.name),
      h('td', profileName(s.profile)),
      h('td', s.location || ''),
      h('td', c.protocol ? t('sources.protocol.' + c.protocol) : '—'),
      h('td', c.address || ''),
      h('td', s.unit ?? ''),
      h('td', on ? t('devices.status.enabled') : t('devices.status.disabled')),
      h('td.actions',
        h('button.btn', { type: 'button', 'data-action': 'edit', onclick: () => { editing = r.i; ctx.setDirty(true); list.redraw(); } }, t('devices.edit')),
        h('button.btn', { type: 'button', 'data-action': 'refresh', title: t('sources.refresh_about'), onclick: refresh }, t('sources.refresh')),
        h('button.btn', { type: 'button', 'data-action': on ? 'disable' : 'enable', onclick: () => change((site) => { setEnabled(site.sources[r.i], !on); }) },
          on ? t('devices.disable') : t('devices.enable'))),
    ];
  }

  function editCells(r, tr) {
    const s = r.source;
    const base = `sources[${r.i}]`;
    tr.dataset.path = base;
    tr.classList.add('editing');
    const name = h('input', { type: 'text', value: s.name, 'data-path': `${base}.name`, 'aria-label': t('sources.col.name') });
    const zone = h('input', { type: 'text', value: s.location || '', 'data-path': `${base}.location`, 'aria-label': t('sources.col.zone') });
    const conn = connectionFields(s, base);
    const save = () => change((site) => {
      const target = site.sources[r.i];
      const renamed = name.value.trim();
      if (renamed !== s.name) renameInHierarchies(site, s.name, renamed);
      target.name = renamed;
      if (zone.value.trim()) target.location = zone.value.trim(); else delete target.location;
      readConnection(conn, target);
    }, tr);
    return [
      h('td', name),
      h('td', profileName(s.profile)),
      h('td', zone),
      h('td', conn.protocol),
      h('td', conn.address, conn.serial),
      h('td', conn.unit),
      h('td', s.enabled !== false ? t('devices.status.enabled') : t('devices.status.disabled')),
      h('td.actions',
        h('button.btn.primary', { type: 'button', 'data-action': 'save', onclick: save }, t('devices.save')),
        h('button.btn', { type: 'button', 'data-action': 'cancel', onclick: () => { editing = -1; ctx.setDirty(false); draw(); } }, t('common.cancel'))),
    ];
  }

  function setEnabled(source, on) {
    if (on) delete source.enabled; else source.enabled = false;
  }

  // One change of the document, saved at once; field errors under `form` (the list by default)
  // stay shown when refused: nothing is redrawn then.
  async function change(mutate, form = list.el) {
    const site = structuredClone(state.site);
    mutate(site);
    const ok = await saveSite(ctx, state, site, form, note);
    if (ok) {
      editing = -1;
      draw();
    }
    return ok;
  }

  async function bulk(what) {
    const names = new Set(list.selectedRows().map((r) => r.source.name));
    if (!names.size) { note.textContent = t('devices.nothing_selected'); return; }
    if (what === 'delete' && !window.confirm(t('sources.delete_confirm', { n: names.size }))) return;
    const ok = await change((site) => {
      if (what === 'delete') {
        site.sources = site.sources.filter((s) => !names.has(s.name));
        for (const n of names) dropFromHierarchies(site, n);
      } else {
        for (const s of site.sources) if (names.has(s.name)) setEnabled(s, false);
      }
    });
    if (ok) list.clearSelection();
  }

  async function refresh() {
    Object.assign(state, await loadAll(ctx.doc));
    editing = -1;
    ctx.setDirty(false);
    draw();
  }

  function draw() {
    list.setRows(state.site.sources.map((source, i) => ({ source, i })));
  }

  // Creating one device (manual §8.3.3, §8.4.2).
  function createForm() {
    // A source's own profile (`source` set: its points and circuits) is no reference to offer.
    const profiles = [...(state.model.profiles || [])].filter((p) => !p.source).sort((a, b) => a.name.localeCompare(b.name));
    const named = profiles.filter((p) => !isGeneric(p));
    // The generic profiles that map a device, then the blank "Generic Modbus device" (no points:
    // the site gives its circuits and points) at the very bottom (manual §8.4.2).
    const mapsNothing = (p) => !(p.data || []).length;
    const generic = [...profiles.filter((p) => isGeneric(p) && !mapsNothing(p)), ...profiles.filter((p) => isGeneric(p) && mapsNothing(p))];
    const reference = h('select', { id: 'source-new-reference' },
      named.map((p) => h('option', { value: p.id }, `${p.name} (${p.id})`)),
      generic.length ? h('optgroup', { label: t('sources.generic') }, generic.map((p) => h('option', { value: p.id }, mapsNothing(p) ? t('sources.generic') : `${t('sources.generic')}: ${p.name}`))) : null);
    const i = state.site.sources.length; // where the new source goes: the server's error paths
    const base = `sources[${i}]`;
    reference.dataset.path = `${base}.profile`;
    const name = h('input', { type: 'text', id: 'source-new-name', required: true });
    const zone = h('input', { type: 'text', id: 'source-new-zone' });
    const blank = { };
    const conn = connectionFields(blank, base, 'source-new');
    const circuits = h('p.muted', { id: 'source-new-circuits' });
    const showCircuits = () => {
      const p = profilesById(state.model).get(reference.value);
      circuits.textContent = p ? t('sources.circuits_from_profile', { n: Number(p.circuits) }) : '';
    };
    reference.addEventListener('change', showCircuits);
    showCircuits();
    const form = h('form.devices-form', { id: 'source-new', onsubmit: async (e) => {
      e.preventDefault();
      const ok = await change((site) => {
        const s = { name: name.value.trim(), profile: reference.value };
        if (zone.value.trim()) s.location = zone.value.trim();
        readConnection(conn, s);
        site.sources.push(s);
      }, form);
      if (ok) clear(createHost);
    } },
    h('h3', t('sources.create')),
    h('div.devices-form-grid',
      field(t('sources.col.reference'), reference),
      field(t('sources.col.name'), name, `${base}.name`),
      field(t('sources.col.zone'), zone, `${base}.location`),
      field(t('sources.col.protocol'), conn.protocol),
      field(t('sources.col.address'), conn.address),
      conn.serial,
      field(t('sources.col.unit'), conn.unit)),
    circuits,
    h('div.actions',
      h('button.btn.primary', { type: 'submit', id: 'source-new-save' }, t('sources.add')),
      h('button.btn', { type: 'button', onclick: () => { clear(createHost); ctx.setDirty(false); } }, t('common.cancel'))));
    ctx.setDirty(true);
    return form;
  }

  const createHost = h('div', { id: 'source-create-host' });
  const discoveryHost = h('div', { id: 'source-discovery-host' });
  let discovery = null;
  const head = h('div.devices-head',
    h('h2', t('config.tab.sources')),
    h('button.btn', { type: 'button', id: 'source-create', onclick: () => { clear(createHost).append(createForm()); createHost.querySelector('select')?.focus(); } }, '+ ' + t('sources.create')),
    h('button.btn', { type: 'button', id: 'source-discover', onclick: () => {
      discovery?.close();
      discovery = discoveryPanel({ ctx, state, note, host: clear(discoveryHost), afterSave: draw });
    } }, t('discovery.open')));
  root.append(head, note, createHost, discoveryHost, list.el);
  container.append(root);
  draw();
  return () => discovery?.close();
}
