// The site document over the API (docs/api.md "Configuration"): the whole site file as JSON with
// an opaque version. Forms never half-save: an editor changes a copy of the whole document and
// sends it in one PUT; the server checks it with every check `gridscope check` makes and answers
// the field errors by their path (`sources[3].unit`), which showErrors() puts next to the fields.
import { api, ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

// {version, site}; secrets (passwords, tokens) come as null and stay stored when sent back as null.
export const load = () => api.get('/config');

// Resolves {version} (the new one); rejects with {kind: 'invalid', errors: [{path, message}]},
// {kind: 'conflict'} (someone saved first: load again) or {kind: 'other', status, code, message}.
export async function save(site, version) {
  try {
    return await api.put('/config', { version, site });
  } catch (e) {
    throw refusal(e);
  }
}

// {errors: [{path, message}], warnings: [{path, message}]}: the checks of a save without saving.
export async function validate(site) {
  try {
    return await api.post('/config/validate', { site });
  } catch (e) {
    throw refusal(e);
  }
}

// The configuration backup (a zip: site file, own profiles, Photoview, favourites) to download.
export const backupUrl = '/api/v1/config/backup';

// Restores a backup file (a File or Blob): resolves {version}; rejects like save() (kind
// 'invalid' with the archive's errors: nothing was replaced).
export async function restore(file, csrf) {
  let res;
  try {
    res = await fetch('/api/v1/config/restore', {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { Accept: 'application/json', 'Content-Type': 'application/zip', 'X-CSRF-Token': csrf },
    });
  } catch (e) {
    throw refusal(e);
  }
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (res.ok) return data;
  if (res.status === 400 && data?.error === 'invalid_backup') throw { kind: 'invalid', errors: data.errors || [] };
  throw refusal(new ApiError(res.status, data));
}

function refusal(e) {
  if (!(e instanceof ApiError)) return { kind: 'other', status: 0, code: 'network', message: e.message };
  if (e.status === 400 && e.code === 'invalid_config') return { kind: 'invalid', errors: e.body.errors || [] };
  if (e.status === 409) return { kind: 'conflict' };
  return { kind: 'other', status: e.status, code: e.code, message: e.body?.message || e.message };
}

// Loads the document, lets mutate(site) change it (a copy) and saves the whole of it against
// the version loaded. Resolves {version, site}; rejects like save().
export async function edit(mutate) {
  const { version, site } = await load();
  const copy = structuredClone(site);
  await mutate(copy);
  const saved = await save(copy, version);
  return { version: saved.version, site: copy };
}

// ['sources', 3, 'unit'] -> 'sources[3].unit', the server's path syntax.
export function pathOf(parts) {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? '.' + p : p)).join('');
}

// The shorter paths an error's path lies under: 'a[1].b.c' -> ['a[1].b', 'a[1]', 'a'].
function parents(path) {
  const out = [];
  let p = path;
  for (;;) {
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return out;
    p = p.slice(0, cut);
    out.push(p);
  }
}

const byPath = (root, path) => root.querySelector(`[data-path="${CSS.escape(path)}"]`);

// Removes what showErrors() added under root.
export function clearErrors(root) {
  for (const el of root.querySelectorAll('.field-error')) el.remove();
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  for (const el of root.querySelectorAll('.config-error-summary')) el.remove();
}

// Shows each error next to the element under root whose data-path is the error's path (or the
// nearest enclosing path: a row for an error about a field it does not show). Errors with no
// such element are listed in a summary at the top of root (or in `summaryHost`). Returns the
// number shown; the first invalid field gets the focus.
export function showErrors(root, errors, summaryHost) {
  clearErrors(root);
  const unplaced = [];
  let first = null;
  errors.forEach((err, i) => {
    const el = byPath(root, err.path || '') || parents(err.path || '').map((p) => byPath(root, p)).find(Boolean);
    if (!el) {
      unplaced.push(err);
      return;
    }
    const id = `field-error-${i}`;
    const note = h('span.field-error', { id, role: 'alert', dataset: { errorPath: err.path } }, err.message);
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', id);
    // After a field's label when the field sits inside one, else right after the element.
    (el.closest('label') || el).after(note);
    first = first || el;
  });
  if (unplaced.length) {
    const list = h('ul', unplaced.map((e) => h('li', h('code', e.path || '—'), ' ', e.message)));
    (summaryHost || root).prepend(h('div.config-error-summary', { role: 'alert' }, h('p', t('config.errors_summary', { n: unplaced.length })), list));
  }
  if (first && typeof first.focus === 'function') first.focus();
  return errors.length;
}

// The text to show for a refusal from save(), validate() or edit() that is not field errors.
export function refusalText(r) {
  if (r?.kind === 'conflict') return t('config.conflict');
  if (r?.kind === 'invalid') return t('config.errors_summary', { n: r.errors.length });
  if (r?.status === 403) return t('error.forbidden');
  return t('config.save_failed', { message: r?.message || '' });
}
