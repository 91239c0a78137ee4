// What the Sources, Circuits and Data tabs share: the site document (config_doc.js) and the
// site model the kernel made of it (GET /config/site: profiles, models, catalog), the circuits
// a source really has (the file's entries and those its profile implies), the data a circuit
// collects, and one save of the whole document with the server's field errors shown.
import { api, ApiError } from '../../../api.js';
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';

// The tabs' own style sheet, once.
export function useStyles() {
  if (!document.querySelector('link[data-config-devices]')) document.head.append(h('link', { rel: 'stylesheet', href: 'css/config-devices.css', 'data-config-devices': '' }));
}

// {version, site, model}: the document to edit and the kernel's model of it.
export async function loadAll(doc) {
  const [{ version, site }, model] = await Promise.all([doc.load(), api.get('/config/site')]);
  if (!Array.isArray(site.sources)) site.sources = [];
  return { version, site, model };
}

export const profilesById = (model) => new Map((model.profiles || []).map((p) => [p.id, p]));
export const isGeneric = (profile) => String(profile?.family || '').toUpperCase() === 'GENERIC';

// The kernel's source (GET /config/site) of the same name: its profile after identification.
const modelSource = (model, name) => (model.sources || []).find((s) => s.name === name);

// The profile a file source runs with: the identified one for `socomec/auto`.
export function profileOf(state, source) {
  const byId = profilesById(state.model);
  const ran = modelSource(state.model, source.name);
  return byId.get(ran?.profile) || byId.get(source.profile) || null;
}

// Every circuit of file source `si`: [{si, ci (index in the file's list, -1 when implied),
// index, name, fluid, usage, zone, models (null: no `models` key), enabled, entry}].
export function circuitsOf(state, si) {
  const source = state.site.sources[si];
  const entries = Array.isArray(source.circuits) ? source.circuits : [];
  const out = entries.map((c, ci) => ({
    si, ci, index: Number(c.index ?? ci + 1), name: c.name ?? `${source.name}/${c.index ?? ci + 1}`,
    fluid: c.fluid ?? 'electricity', usage: c.usage ?? '', zone: c.zone ?? '',
    models: Array.isArray(c.models) ? c.models : null, enabled: c.enabled !== false, entry: c,
  }));
  const count = Number(profileOf(state, source)?.circuits || 0);
  for (let k = 1; k <= count; k++)
    if (!out.some((c) => c.index === k))
      out.push({ si, ci: -1, index: k, name: `${source.name}/${k}`, fluid: 'electricity', usage: '', zone: '', models: null, enabled: true, entry: null });
  return out.sort((a, b) => a.index - b.index);
}

// The circuit entry of the file for circuit `index` of source `source`, added when the circuit
// was implied by the profile (the same defaults as the kernel's); returns [entry, position].
export function circuitEntry(source, index) {
  if (!Array.isArray(source.circuits)) source.circuits = [];
  let ci = source.circuits.findIndex((c, i) => Number(c.index ?? i + 1) === index);
  if (ci < 0) {
    source.circuits.push({ index });
    ci = source.circuits.length - 1;
  }
  return [source.circuits[ci], ci];
}

// The data circuit `c` of file source `source` polls when enabled: the profile's points of the
// circuit that its models name (every point without a `models` key), as the kernel chooses them.
export function dataOf(state, source, c) {
  const profile = profileOf(state, source);
  if (!profile) return [];
  const models = new Map((state.model.models || []).map((m) => [m.id, m]));
  const wanted = c.models === null ? null : new Set(c.models.flatMap((id) => models.get(id)?.data || []));
  const names = [];
  for (const p of profile.data || [])
    if (Number(p.circuit) === c.index && (!wanted || wanted.has(p.data)) && !names.includes(p.data)) names.push(p.data);
  return names;
}

// Whether data `name` of circuit entry `entry` is switched off (`data: [{name, enabled: false}]`).
export const dataDisabled = (entry, name) => !!(entry?.data || []).find((d) => d.name === name && d.enabled === false);

// Saves `site` (a changed copy of state.site) in one PUT. Field errors go next to the fields
// under `form` (by data-path), the rest in `note`. Resolves true when saved (state updated).
export async function saveSite(ctx, state, site, form, note) {
  ctx.doc.clearErrors(form);
  note.textContent = '';
  note.className = 'config-note';
  try {
    try {
      await ctx.doc.save(site, state.version);
    } catch (r) {
      // A save put in force restarts the web server, which may cut the answer: then the
      // document decides (saved if it is now ours under a new version).
      if (r?.kind !== 'other' || r.status !== 0 || !(await landed(ctx, state.version, site))) throw r;
    }
    // The document as saved and its new version, once the web server restarted on it.
    Object.assign(state, await untilAnswered(() => loadAll(ctx.doc)));
    note.textContent = t('config.saved');
    note.classList.add('ok');
    ctx.setDirty(false);
    return true;
  } catch (r) {
    if (r?.kind === 'invalid') ctx.doc.showErrors(form, r.errors.map((e) => refined(form, e)), note.parentElement);
    else note.textContent = ctx.doc.refusalText(r);
    note.classList.add('bad');
    return false;
  }
}

// fn() again while the server does not answer (a save put in force restarts it), 15 s at most.
async function untilAnswered(fn) {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError || i >= 60) throw e;
      await new Promise((ok) => setTimeout(ok, 250));
    }
  }
}

// A driver's check of a source key may name the key in its message only ("source 'x': field
// 'unit': ..." at path sources[3]): the error goes to that key's field when the form has it.
function refined(form, e) {
  const key = /field '([\w.]+)'/.exec(e.message || '')?.[1];
  const path = key && e.path && !e.path.endsWith('.' + key) ? `${e.path}.${key}` : null;
  return path && form.querySelector(`[data-path="${CSS.escape(path)}"]`) ? { ...e, path } : e;
}

const same = (a, b) => {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]));
};

// Whether `site` is the document once its version is no longer `version` (bounded: 15 s for
// the server to answer again).
async function landed(ctx, version, site) {
  for (let i = 0; i < 60; i++) {
    await new Promise((ok) => setTimeout(ok, 250));
    try {
      const now = await ctx.doc.load();
      if (now.version !== version) return same(now.site, site);
    } catch { /* the server is not back yet */ }
  }
  return false;
}

// A text input, select or check box bound to `path` (the server's error path) with a label.
export function field(label, input, path) {
  if (path) input.dataset.path = path;
  return h('label.config-field', h('span', label), input);
}

export function select(options, value, props = {}) {
  const el = h('select', props, options.map(([v, text]) => h('option', { value: v }, text)));
  el.value = value ?? '';
  return el;
}
