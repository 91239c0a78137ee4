// A custom data's Modbus properties (manual §8.3.8: coefficient, frame name, address, type,
// function): read-only where a device profile maps it, and edited here for the sources polled by
// the generic Modbus driver, as the site file's own points of a source (`sources[i].points`,
// docs/configuration.md). One row per point; the rows go into the document with the data's save.
import { h, clear } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { list } from '../editing.js';

const KEYS = ['coefficient', 'frame', 'address', 'type', 'function'];
export const TYPES = ['u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64', 'bit'];
const FUNCTIONS = [['3', 'holding'], ['4', 'input'], ['1', 'coils'], ['2', 'discrete_inputs']];

// The profiles' points of data `name` (GET /config/site's `profiles`), read-only. A source's own
// profile (`source` set: its file profile plus its own points) is left out: its own points are
// the editable rows.
function profileTable(profiles, name) {
  const rows = [];
  for (const p of profiles)
    if (!p.source)
      for (const point of p.data || [])
        if (point.data === name) rows.push({ profile: p, point });
  if (!rows.length) return h('p.muted', { id: 'cfg-data-modbus' }, t('cfgx.data.modbus_none'));
  const value = (p, point, k) => point.attrs?.[k] ?? (k === 'function' ? p.defaults?.function ?? '3' : k === 'coefficient' ? '1' : '—');
  return h('table.data.cfgx-table', { id: 'cfg-data-modbus' },
    h('thead', h('tr', h('th', { scope: 'col' }, t('cfgx.data.col.profile')), h('th', { scope: 'col' }, t('cfgx.data.col.circuit')),
      KEYS.map((k) => h('th', { scope: 'col' }, t('cfgx.data.modbus.' + k))))),
    h('tbody', rows.map(({ profile, point }) => h('tr',
      h('th', { scope: 'row' }, profile.name || profile.id), h('td', String(point.circuit)),
      KEYS.map((k) => h('td', String(value(profile, point, k))))))));
}

// The editor. site: the document; running: GET /config/site; name: the data's name ('' when new).
// Returns {el, apply(site, newName)}: apply writes the rows into `site` as the points of newName
// (the points of the old name are replaced, those of other data kept in place); a null newName
// only removes them (the data is deleted).
export function modbusEditor(site, running, name) {
  const sources = list(site.sources);
  const driverOf = (s) => (running.sources || []).find((r) => r.name === s.name)?.driver;
  // The sources one may map: those the generic Modbus driver polls, and any that maps it already.
  const mine = (s) => list(s.points).some((p) => p.data === name && name);
  const offered = sources.map((s, si) => ({ s, si })).filter(({ s }) => driverOf(s) === 'driver_modbus' || mine(s));
  const rows = [];
  sources.forEach((s, si) => list(s.points).forEach((p) => { if (name && p.data === name) rows.push({ si, point: { ...p } }); }));

  const body = h('tbody');
  const table = h('table.data.cfgx-table', { id: 'cfg-data-points' },
    h('thead', h('tr', h('th', { scope: 'col' }, t('cfgx.data.col.source')), h('th', { scope: 'col' }, t('cfgx.data.col.circuit')),
      KEYS.map((k) => h('th', { scope: 'col' }, t('cfgx.data.modbus.' + k))), h('th', { scope: 'col' }, ''))),
    body);

  // The place each row takes in its source's `points` once applied: after the points it keeps.
  function paths() {
    const next = new Map();
    return rows.map((r) => {
      const kept = list(sources[r.si].points).filter((p) => p.data !== name || !name).length;
      const k = next.get(r.si) ?? kept;
      next.set(r.si, k + 1);
      return `sources[${r.si}].points[${k}]`;
    });
  }

  function input(r, key, props) {
    const el = h('input', { ...props, value: r.point[key] ?? '', 'aria-label': t('cfgx.data.modbus.' + key), 'data-key': key });
    el.addEventListener('input', () => { r.point[key] = el.value.trim(); });
    return el;
  }

  // A value the list does not name (a function written "holding", a string type) stays chosen.
  function choice(r, key, options, label) {
    let value = String(r.point[key] ?? options[0][0]);
    value = FUNCTIONS.find(([, fn]) => key === 'function' && fn === value)?.[0] ?? value;
    if (!options.some(([v]) => v === value)) options = [...options, [value, value]];
    const el = h('select', { 'aria-label': label, 'data-key': key }, options.map(([v, text]) => h('option', { value: v }, text)));
    el.value = value;
    r.point[key] = el.value;
    el.addEventListener('change', () => { r.point[key] = el.value; draw(); });
    return el;
  }

  function draw() {
    const at = paths();
    clear(body).append(...rows.map((r, i) => {
      const base = at[i];
      const source = h('select', { 'aria-label': t('cfgx.data.col.source'), 'data-path': base },
        offered.map(({ s, si }) => h('option', { value: String(si) }, s.name)));
      source.value = String(r.si);
      source.addEventListener('change', () => { r.si = Number(source.value); draw(); });
      const fields = {
        circuit: input(r, 'circuit', { type: 'number', min: 0, step: 1 }),
        coefficient: input(r, 'coefficient', { type: 'text', inputmode: 'decimal', placeholder: '1' }),
        frame: input(r, 'frame', { type: 'text', maxlength: 64 }),
        address: input(r, 'address', { type: 'text', inputmode: 'numeric', required: true }),
        type: choice(r, 'type', TYPES.map((x) => [x, x]), t('cfgx.data.modbus.type')),
        // '' leaves the function to the profile's defaults (generic/modbus: 3).
        function: choice(r, 'function', [['', t('cfgx.data.modbus.default')], ...FUNCTIONS.map(([code, fn]) => [code, `${code} (${fn})`])], t('cfgx.data.modbus.function')),
      };
      for (const [k, el] of Object.entries(fields)) el.dataset.path = `${base}.${k}`;
      const remove = h('button.btn', { type: 'button', 'data-action': 'remove-point', onclick: () => { rows.splice(i, 1); draw(); } }, t('cfgx.delete'));
      return h('tr', h('td', source), h('td', fields.circuit),
        KEYS.map((k) => h('td', fields[k])), h('td', remove));
    }));
    table.hidden = !rows.length;
  }

  const add = h('button.btn', { type: 'button', id: 'cfg-data-add-point', disabled: !offered.length, onclick: () => {
    rows.push({ si: offered[0].si, point: { circuit: '1', coefficient: '1', address: '', type: 'u16', function: '' } });
    draw();
    body.querySelector('tr:last-child input[data-key=address]')?.focus();
  } }, '+ ' + t('cfgx.data.add_point'));
  draw();

  // A number when the text reads as one (the YAML keeps its type), else the text for the
  // server to refuse at its field.
  const typed = (v) => (v !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
  function apply(next, newName) {
    for (const s of list(next.sources)) {
      if (!Array.isArray(s.points)) continue;
      s.points = s.points.filter((p) => p.data !== name || !name);
      if (!s.points.length) delete s.points;
    }
    for (const r of newName === null ? [] : rows) {
      const s = next.sources[r.si];
      const point = { data: newName };
      for (const k of ['circuit', 'address', 'type', 'function', 'coefficient', 'frame']) {
        const v = String(r.point[k] ?? '').trim();
        if (v !== '' && !(k === 'coefficient' && v === '1')) point[k] = k === 'type' || k === 'frame' ? v : typed(v);
      }
      for (const [k, v] of Object.entries(r.point)) if (!(k in point) && !['circuit', 'address', 'type', 'function', 'coefficient', 'frame', 'data'].includes(k)) point[k] = v;
      (s.points = list(s.points)).push(point);
    }
  }

  const el = h('div.cfgx-modbus',
    profileTable(running.profiles || [], name),
    h('h4', t('cfgx.data.points')),
    h('p.muted', offered.length ? t('cfgx.data.points_about') : t('cfgx.data.points_none')),
    table, h('p', add));
  return { el, apply };
}
