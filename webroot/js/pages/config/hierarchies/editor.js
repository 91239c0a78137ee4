// One hierarchy being edited (manual §8.5.1): its name (renaming it renames its links from
// other hierarchies and alarm rules), fluid and balance tolerance; the bricks; the drawing; the
// selected brick or link (rename a node, delete); the checks of the consumption issue on the
// drawing as it changes (POST /config/validate: one fluid, no cycle, a load counted once,
// unique node names, son hierarchies that exist...) and the balance of each metered node over
// the last 7 days (GET /consumption's imbalances); Save puts the whole site document once.
import { h, clear } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { api } from '../../../api.js';
import { field, showErrors, list, retried } from '../editing.js';
import { fromYaml, toYaml, elementOfError, layout } from './graph.js';
import { Canvas } from './canvas.js';
import { palette } from './palette.js';
import { loadPositions, savePositions } from './positions.js';
import { renameHierarchy } from './rename.js';

const VALIDATE_MS = 400;

export function hierarchyEditor({ doc, running, index, onSaved, onDeleted, onEdit, setDirty }) {
  const original = doc.site.hierarchies[index];
  const prefix = `hierarchies[${index}]`;
  let graph = fromYaml(original);
  loadPositions(original.name, graph);

  const circuits = (running.sources || []).flatMap((s) => (s.circuits || []).map((c) => ({ ref: `${s.name}/${c.index}`, label: c.name, fluid: c.fluid })));
  const labelOf = (ref) => circuits.find((c) => c.ref === ref)?.label || '';
  const name = h('input', { id: 'hier-name', value: original.name, required: true, maxlength: 80 });
  const fluids = [...new Set([original.fluid || 'electricity', ...circuits.map((c) => c.fluid)])];
  const fluid = h('select', { id: 'hier-fluid' }, fluids.map((f) => h('option', { value: f, selected: f === (original.fluid || 'electricity') }, f)));
  const tolerance = h('input', { id: 'hier-tolerance', value: original.balance_tolerance ?? '2%', maxlength: 20 });
  const inspector = h('div.hier-inspector', { id: 'hier-inspector' });
  const checkList = h('ul.hier-checks', { id: 'hier-checks', 'aria-live': 'polite' });
  const general = h('div.cfgx-general');
  const message = h('p.hier-message', { id: 'hier-message', role: 'status' });
  let imbalances = [];
  let dirty = false;
  let timer = 0;
  let checking = 0;

  const canvas = new Canvas({
    graph, labels: labelOf,
    onChange: (what) => { changed(!what?.moved); },
    onSelect: (sel) => inspect(sel),
    onRefused: (key) => { message.textContent = t('cfgx.hier.refuse.' + key); message.className = 'hier-message error'; },
  });
  const usedLoads = () => new Set([...graph.elements.values()].filter((e) => e.kind === 'load').map((e) => e.name));
  const bricks = () => palette({
    loads: circuits.filter((c) => c.fluid === fluid.value),
    hierarchies: list(doc.site.hierarchies).filter((x, i) => i !== index && (x.fluid || 'electricity') === fluid.value).map((x) => x.name),
    used: usedLoads,
    drop: (kind, ref, x, y) => canvas.dropAt(x, y, kind, kind === 'node' ? freeNodeName() : ref),
  });
  let pal = bricks();
  const palSlot = h('div.hier-palette-slot', pal.el);
  fluid.addEventListener('change', () => { pal = bricks(); clear(palSlot).append(pal.el); changed(true); });
  name.addEventListener('input', () => changed(true));
  tolerance.addEventListener('input', () => changed(true));

  function freeNodeName() {
    const names = new Set([...graph.elements.values()].filter((e) => e.kind === 'node').map((e) => e.name));
    for (let i = 1; ; i++) if (!names.has(t('cfgx.hier.node_n', { n: i }))) return t('cfgx.hier.node_n', { n: i });
  }

  function changed(structural) {
    savePositions(name.value.trim() || original.name, graph);
    if (!structural) return;
    dirty = true;
    setDirty?.(true);
    onEdit?.();
    message.textContent = '';
    pal.refresh();
    clearTimeout(timer);
    checking++; // a validation still under way is of an older drawing: its answer is dropped
    checkList.dataset.pending = 'true'; // until the server's checks of this change are shown
    timer = setTimeout(check, VALIDATE_MS);
  }

  // The document with this hierarchy as drawn (and the rename applied), and the drawing's own issues.
  function draft() {
    const built = toYaml(graph);
    const site = doc.draft();
    const next = { ...original, name: name.value.trim(), fluid: fluid.value, root: built.root };
    const tol = tolerance.value.trim();
    if (tol && tol !== '2%') next.balance_tolerance = tol;
    else delete next.balance_tolerance;
    site.hierarchies[index] = next;
    if (next.name !== original.name) renameHierarchy(site, original.name, next.name, index);
    return { site, built };
  }

  // Errors and warnings of the server as checks on the bricks; the rest listed.
  function place(built, errors, warnings) {
    const checks = new Map();
    const items = [];
    const add = (id, level, text) => {
      if (!checks.has(id)) checks.set(id, []);
      checks.get(id).push({ level, message: text });
    };
    for (const issue of built.issues) {
      const el = graph.elements.get(issue.id);
      const text = t('cfgx.hier.issue.' + issue.key, { name: el.name });
      add(issue.id, 'error', text);
      items.push({ level: 'error', text, id: issue.id });
    }
    const mine = [];
    for (const [level, found] of [['error', errors], ['warning', warnings]])
      for (const e of found || []) {
        const path = e.path || '';
        if (path.startsWith(prefix + '.root')) {
          const id = elementOfError(graph, built.paths, path.slice(prefix.length + 1), e.message);
          if (id) add(id, level, e.message);
          items.push({ level, text: e.message, id });
        } else if (path.startsWith(prefix)) {
          mine.push(e);
          items.push({ level, text: `${path}: ${e.message}` });
        } else if (level === 'error') {
          items.push({ level, text: `${path}: ${e.message}` });
        }
      }
    for (const b of imbalances) {
      const node = [...graph.elements.values()].find((e) => e.kind === 'node' && e.name === b.node);
      if (node) add(node.id + ':unmeasured', 'warning', t('cfgx.hier.imbalance', { start: b.start, meter: b.meter_value, parts: b.parts_value, tolerance: b.tolerance }));
    }
    canvas.setChecks(checks);
    showErrors(header, mine.map((e) => ({ ...e, path: e.path.replace(prefix, 'h') })), general);
    clear(checkList).append(...(items.length ? items.map((i) => h('li', { class: 'hier-check ' + i.level, dataset: { id: i.id || '' } }, i.text))
      : [h('li.hier-check.ok', t('cfgx.hier.checks_ok'))]));
    return items.filter((i) => i.level === 'error').length;
  }

  async function check() {
    const token = ++checking;
    const { site, built } = draft();
    let result = { errors: [], warnings: [] };
    try {
      result = await retried(() => doc.validate(site));
    } catch (e) {
      result = { errors: e?.kind === 'invalid' ? e.errors : [{ path: '', message: e?.message || String(e) }], warnings: [] };
    }
    if (token !== checking) return;
    place(built, result.errors, result.warnings);
    delete checkList.dataset.pending;
  }

  async function loadImbalances() {
    const to = new Date();
    const from = new Date(to.getTime() - 7 * 86400000);
    try {
      const r = await api.get('/consumption', { hierarchy: original.name, from: from.toISOString(), to: to.toISOString(), bucket: 'day' });
      imbalances = (r.imbalances || []).filter((b) => b.hierarchy === original.name);
    } catch { imbalances = []; } // no storage, nothing stored yet: no balance to show
  }

  async function save() {
    clearTimeout(timer);
    const { site, built } = draft();
    if (built.issues.length) {
      place(built, [], []);
      message.textContent = t('cfgx.hier.fix_first');
      message.className = 'hier-message error';
      return;
    }
    saveButton.disabled = true;
    const result = await doc.put(site);
    saveButton.disabled = false;
    if (!result.ok) {
      place(built, result.errors, []);
      message.textContent = t('cfgx.hier.not_saved');
      message.className = 'hier-message error';
      return;
    }
    dirty = false;
    setDirty?.(false);
    savePositions(site.hierarchies[index].name, graph);
    onSaved(site.hierarchies[index].name);
  }

  async function remove() {
    if (!confirm(t('cfgx.hier.confirm_delete', { name: original.name }))) return;
    const result = await doc.change((site) => { site.hierarchies.splice(index, 1); });
    if (!result.ok) {
      showErrors(header, result.errors, general);
      return;
    }
    setDirty?.(false);
    onDeleted();
  }

  function inspect(sel) {
    clear(inspector);
    if (sel?.el) {
      const e = sel.el;
      inspector.append(h('h3', t('cfgx.hier.brick.' + e.kind)));
      if (e.kind === 'node') {
        const input = h('input', { id: 'hier-node-name', value: e.name, maxlength: 80 });
        input.addEventListener('input', () => { e.name = input.value; canvas.draw(); changed(true); });
        inspector.append(field(t('cfgx.hier.node_name'), input));
      } else {
        inspector.append(h('p', h('strong', e.name), e.kind === 'load' ? h('span.muted', ' ' + labelOf(e.name)) : null));
      }
      if (!e.root) inspector.append(h('button.btn', { type: 'button', id: 'hier-delete-brick', onclick: () => { graph.remove(e.id); canvas.select(null); changed(true); } }, t('cfgx.hier.delete_brick')));
      else inspector.append(h('p.muted', t('cfgx.hier.principal_about')));
    } else if (sel?.link) {
      const l = sel.link;
      const a = graph.elements.get(l.from), b = graph.elements.get(l.to);
      inspector.append(h('h3', t('cfgx.hier.link')), h('p', `${a.name} → ${b.name}`),
        h('button.btn', { type: 'button', id: 'hier-delete-link', onclick: () => { graph.unlink(l); canvas.select(null); changed(true); } }, t('cfgx.hier.delete_link')));
    } else {
      inspector.append(h('p.muted', t('cfgx.hier.inspector_hint')));
    }
  }
  inspect(null);

  const onKey = (e) => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && !['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement?.tagName)) {
      const sel = canvas.selection;
      if (sel?.el && graph.remove(sel.el.id)) { canvas.select(null); changed(true); }
      else if (sel?.link) { graph.unlink(sel.link); canvas.select(null); changed(true); }
    }
  };
  window.addEventListener('keydown', onKey);

  const saveButton = h('button.btn.primary', { type: 'button', id: 'hier-save', onclick: save }, t('cfgx.save'));
  const header = h('div.hier-head',
    field(t('cfgx.hier.name'), name, 'h.name'),
    field(t('cfgx.hier.fluid'), fluid, 'h.fluid'),
    field(t('cfgx.hier.tolerance'), tolerance, 'h.balance_tolerance'),
    h('div.cfgx-buttons', saveButton,
      h('button.btn', { type: 'button', id: 'hier-revert', onclick: () => { graph = fromYaml(original); canvas.setGraph(graph); dirty = false; setDirty?.(false); check(); } }, t('cfgx.hier.revert')),
      h('button.btn', { type: 'button', id: 'hier-layout', onclick: () => { layout(graph); canvas.draw(); changed(false); } }, t('cfgx.hier.layout')),
      h('button.btn', { type: 'button', id: 'hier-delete', onclick: remove }, t('cfgx.hier.delete'))));
  const el = h('div.hier-editor', { dataset: { hierarchy: original.name } },
    header, general, message,
    h('div.hier-body', palSlot, h('div.hier-main', canvas.el, h('div.hier-side', inspector, h('div', h('h3', t('cfgx.hier.checks')), checkList)))));

  loadImbalances().then(check);
  return { el, isDirty: () => dirty, destroy: () => { clearTimeout(timer); window.removeEventListener('keydown', onKey); } };
}
