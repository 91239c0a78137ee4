// What the Models, Custom data, Hierarchies and Alarm rules tabs share: the site document
// (config_doc.js: GET/PUT /api/v1/config) held with its version, one save path that applies a
// change to a copy and either takes the new version or shows the server's refusals, and the
// running site (GET /config/site: predefined models, the whole catalog, every circuit).
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { api } from '../../api.js';
import * as configDoc from '../../config_doc.js';

const copy = (v) => structuredClone(v);

// The tabs' own styles, beside css/config.css (the shell's).
if (!document.querySelector('link[data-config-edit]')) document.head.append(h('link', { rel: 'stylesheet', href: 'css/config-edit.css', 'data-config-edit': '' }));

// The document being edited. `change(fn)` runs fn on a copy of the site and PUTs it: on 200
// the copy becomes the document; on 400 the server's errors are returned (nothing kept, the
// file untouched); on 409 the document is read again and the caller is told.
export class SiteDoc {
  static async open() {
    const doc = new SiteDoc();
    await doc.reload();
    return doc;
  }

  async reload() {
    const { version, site } = await configDoc.load();
    this.version = version;
    this.site = site || {};
  }

  draft() { return copy(this.site); }

  // -> {ok: true} | {ok: false, errors: [{path, message}], conflict: bool}
  async change(fn) {
    const next = this.draft();
    fn(next);
    return this.put(next);
  }

  async put(next) {
    try {
      const { version } = await configDoc.save(next, this.version);
      this.version = version;
      this.site = next;
      return { ok: true };
    } catch (e) {
      if (e?.kind === 'invalid') return { ok: false, errors: e.errors || [] };
      if (e?.kind === 'conflict') await this.reload();
      return { ok: false, conflict: e?.kind === 'conflict', errors: [{ path: '', message: configDoc.refusalText(e) }] };
    }
  }

  async validate(next) { return configDoc.validate(next); }
}

// The running site's document (catalog with the profiles' custom data, predefined models,
// profiles with their points, every source with its implied circuits).
export const runningSite = () => api.get('/config/site');

// Server errors beside the fields (data-path="models[2].name"), the rest in a summary.
export const showErrors = configDoc.showErrors;

// A labelled field: label text, the input, its path in the site document for server errors.
export function field(label, input, path) {
  if (path) input.dataset.path = path;
  return h('div.cfgx-field', h('label', { for: input.id }, label), input);
}

export function checkbox(id, label, checked, path) {
  const box = h('input', { type: 'checkbox', id, checked: !!checked });
  if (path) box.dataset.path = path;
  return h('div.cfgx-check', box, h('label', { for: id }, label));
}

// The YAML's scalars may come back as strings: a number if it reads as one, else undefined.
export function num(v) {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

// A boolean from the document (true, "true").
export const bool = (v, dflt) => (v === undefined || v === null ? dflt : v === true || v === 'true');

// A list from the document (absent: []).
export const list = (v) => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]);

// A status line for a tab: saved, or the errors.
export function status() {
  const el = h('div.cfgx-status', { role: 'status', 'aria-live': 'polite' });
  return {
    el,
    saved() { clear(el).append(h('p.cfgx-saved', t('config.saved'))); },
    clear() { clear(el); },
  };
}

// The web server keeps running through most saves (ui_web is told the new site), but it is
// still restarted, for a moment, by a save or a restore that replaces the storage plugin (its
// own section changed: the kernel replaces every instance holding the old storage's services,
// ui_web among them; kernel/src/runtime/reload.cpp) or that changes ui_web's own section. A
// request refused by the network then (not by the server) is tried again, for about 15 s.
export async function retried(fn, tries = 8) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const network = e instanceof TypeError || e?.kind === 'other' && e?.code === 'network';
      if (!network || i >= tries) throw e;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}

// A tab of these editors: the document and the running site read, then show(root, doc, running)
// (which may return a cleanup); a failure to read them is said in the tab.
export function mountTab(container, id, show) {
  const root = h('section.cfgx', { id });
  container.append(root);
  let alive = true;
  let cleanup = null;
  (async () => {
    try {
      const [doc, running] = await retried(() => Promise.all([SiteDoc.open(), runningSite()]));
      if (alive) cleanup = show(root, doc, running) || null;
    } catch (e) {
      if (alive) root.append(h('p.error', { role: 'alert' }, t('cfgx.load_failed', { message: e.message })));
    }
  })();
  return () => { alive = false; cleanup?.(); };
}

// Adding, modifying and deleting the items of one list of the site document (`models`, `data`,
// `alarms`): the form of an item opens in `panel`; its save puts the whole document once and
// shows the server's errors in the form, or redraws the tab. makeForm({item, path, isNew,
// onSave(next, mapErrors, also), onCancel}) returns the form element; `also(site)`, when given,
// changes more of the same draft (e.g. a custom data's points on the sources).
export function listEditing({ doc, key, panel, line, redraw, makeForm, confirmKey }) {
  const items = () => list(doc.site[key]);
  const edit = (index, blank) => {
    const isNew = index < 0;
    const at = isNew ? items().length : index;
    const form = makeForm({
      item: isNew ? blank : items()[index], path: `${key}[${at}]`, at, isNew,
      onCancel: () => clear(panel),
      onSave: async (next, mapErrors = (errors) => errors, also = null) => {
        const result = await doc.change((site) => {
          site[key] = list(site[key]);
          if (isNew) site[key].push(next);
          else site[key][index] = next;
          also?.(site);
        });
        if (!result.ok) return showErrors(form, mapErrors(result.errors), form.querySelector('.cfgx-general'));
        clear(panel);
        redraw();
        line.saved();
        return 0;
      },
    });
    clear(panel).append(form);
    form.querySelector('input:not([disabled]), select:not([disabled])')?.focus();
  };
  // `also(site)`, when given, changes more of the same draft (what referred to the item).
  const remove = async (index, name, also = null) => {
    if (!confirm(t(confirmKey, { name }))) return;
    const result = await doc.change((site) => {
      site[key].splice(index, 1);
      if (!site[key].length) delete site[key]; // no empty section left behind
      also?.(site);
    });
    clear(panel);
    redraw();
    if (result.ok) line.saved();
    else showErrors(line.el, result.errors, line.el);
  };
  return { items, edit, remove };
}
