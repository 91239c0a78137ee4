// The perimeter (manual §6): the view (location, usage, fluid, hierarchy), a name filter, the
// navigation tree with the number of loads at each level, the time period, and a pin.
import { api } from './api.js';
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

const PRESETS = ['today', 'yesterday', 'this_week', 'last_week', 'this_month', 'last_month', 'this_year', 'last_year', 'custom'];
const pinnedKey = 'gs.perimeter.pinned';

// [from, to) of a preset, as Date objects in local time
export function presetRange(preset, now = new Date()) {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const add = (d, days) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
  const monday = add(day, -((day.getDay() + 6) % 7));
  switch (preset) {
    case 'today': return [day, add(day, 1)];
    case 'yesterday': return [add(day, -1), day];
    case 'this_week': return [monday, add(monday, 7)];
    case 'last_week': return [add(monday, -7), monday];
    case 'this_month': return [new Date(day.getFullYear(), day.getMonth(), 1), new Date(day.getFullYear(), day.getMonth() + 1, 1)];
    case 'last_month': return [new Date(day.getFullYear(), day.getMonth() - 1, 1), new Date(day.getFullYear(), day.getMonth(), 1)];
    case 'this_year': return [new Date(day.getFullYear(), 0, 1), new Date(day.getFullYear() + 1, 0, 1)];
    case 'last_year': return [new Date(day.getFullYear() - 1, 0, 1), new Date(day.getFullYear(), 0, 1)];
    default: return null;
  }
}

const isoDate = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export class Perimeter {
  // selectFolders: a folder is chosen too (Consumption: a hierarchy node, a usage); onSelect
  // then gets the node of GET /perimeter with `path` (the names of its ancestors) and the `view`
  // it was chosen in. onLoad(data):
  // each answer of GET /perimeter.
  constructor({ views, period = false, onSelect, onPeriod, onLoad, selected, selectFolders = false }) {
    this.views = views;
    this.selectFolders = selectFolders;
    this.onLoad = onLoad || (() => {});
    this.view = sessionStorage.getItem('gs.perimeter.view');
    if (!views.includes(this.view)) this.view = views[0];
    this.filter = '';
    this.onSelect = onSelect;
    this.onPeriod = onPeriod || (() => {});
    this.selected = selected || null; // {source, circuit}
    this.collapsed = new Set(JSON.parse(sessionStorage.getItem('gs.perimeter.collapsed') || '[]'));
    const stored = localStorage.getItem(pinnedKey);
    this.pinned = stored === null ? window.matchMedia('(min-width: 1280px)').matches : stored === '1';

    this.tree = h('div.tree', { role: 'tree', 'aria-label': t('perimeter.navigation') });
    this.total = h('span.total');
    const filter = h('input', { type: 'search', id: 'perimeter-filter', placeholder: t('perimeter.filter_placeholder'), autocomplete: 'off',
      oninput: (e) => { clearTimeout(this.debounce); this.debounce = setTimeout(() => { this.filter = e.target.value.trim(); this.load(); }, 200); } });
    const viewSelect = h('select', { id: 'perimeter-view', onchange: (e) => { this.view = e.target.value; sessionStorage.setItem('gs.perimeter.view', this.view); this.load(); } },
      views.map((v) => h('option', { value: v, selected: v === this.view }, t('perimeter.view.' + v))));
    this.pinButton = h('button.iconbtn', { type: 'button', 'aria-pressed': String(this.pinned), title: t('perimeter.pin'), 'aria-label': t('perimeter.pin'), onclick: () => this.setPinned(!this.pinned) }, icon('pin'));
    const closeButton = h('button.iconbtn', { type: 'button', title: t('perimeter.close'), 'aria-label': t('perimeter.close'), onclick: () => this.setOpen(false) }, icon('close'));

    this.el = h('aside.perimeter', { id: 'perimeter', 'aria-label': t('perimeter.title') },
      h('div.perimeter-head', h('h2', t('perimeter.title')), this.pinButton, closeButton),
      h('section', { 'aria-labelledby': 'perimeter-org' },
        h('h3', { id: 'perimeter-org' }, t('perimeter.organisation')),
        h('label', { for: 'perimeter-view' }, t('perimeter.view')), viewSelect,
        h('label', { for: 'perimeter-filter' }, t('perimeter.filter')), filter,
        h('div.tree-head', h('span', t('perimeter.navigation')), this.total), this.tree),
      period ? this.periodSection() : null);
    this.toggleButton = h('button.btn.perimeter-open', { type: 'button', 'aria-controls': 'perimeter', onclick: () => this.setOpen(!this.open) }, icon('menu'), t('perimeter.title'));
    this.setPinned(this.pinned, false);
    this.setOpen(this.pinned || !this.selected);
  }

  periodSection() {
    const saved = JSON.parse(sessionStorage.getItem('gs.period') || '{"preset":"this_month"}');
    const from = h('input', { type: 'date', id: 'period-from' });
    const to = h('input', { type: 'date', id: 'period-to' });
    const custom = h('div.period-custom', h('label', { for: 'period-from' }, t('period.from')), from, h('label', { for: 'period-to' }, t('period.to')), to);
    const emit = (preset) => {
      let range = presetRange(preset);
      if (!range) {
        if (!from.value || !to.value || from.value > to.value) return;
        const [a, b] = [new Date(from.value + 'T00:00'), new Date(to.value + 'T00:00')];
        range = [a, new Date(b.getFullYear(), b.getMonth(), b.getDate() + 1)];
      } else {
        from.value = isoDate(range[0]);
        to.value = isoDate(new Date(range[1] - 1));
      }
      sessionStorage.setItem('gs.period', JSON.stringify({ preset, from: from.value, to: to.value }));
      this.period = { preset, from: range[0], to: range[1] };
      this.onPeriod(this.period);
    };
    const select = h('select', { id: 'period-preset', onchange: (e) => { custom.hidden = e.target.value !== 'custom'; emit(e.target.value); } },
      PRESETS.map((p) => h('option', { value: p, selected: p === saved.preset }, t('period.' + p))));
    from.value = saved.from || '';
    to.value = saved.to || '';
    from.onchange = to.onchange = () => emit('custom');
    custom.hidden = saved.preset !== 'custom';
    queueMicrotask(() => emit(saved.preset));
    return h('section', { 'aria-labelledby': 'period-title' }, h('h3', { id: 'period-title' }, t('period.title')),
      h('label', { for: 'period-preset' }, t('period.preset')), select, custom);
  }

  setPinned(pinned, store = true) {
    this.pinned = pinned;
    if (store) localStorage.setItem(pinnedKey, pinned ? '1' : '0');
    this.pinButton.setAttribute('aria-pressed', String(pinned));
    this.el.classList.toggle('pinned', pinned);
    if (pinned) this.setOpen(true);
  }

  setOpen(open) {
    this.open = open;
    this.el.classList.toggle('open', open);
    this.toggleButton.setAttribute('aria-expanded', String(open));
  }

  async load() {
    const seq = (this.seq = (this.seq || 0) + 1);
    let data;
    try {
      data = await api.get('/perimeter', { view: this.view, filter: this.filter });
    } catch {
      clear(this.tree).append(h('p.error', t('error.load_failed')));
      return;
    }
    if (seq !== this.seq) return;
    this.total.textContent = t('perimeter.loads', { n: data.loads });
    clear(this.tree).append(data.nodes.length ? this.renderNodes(data.nodes, 1, '', []) : h('p.muted', t('perimeter.empty')));
    this.data = data;
    this.onLoad(data);
  }

  renderNodes(nodes, level, path, names) {
    return h('ul', { role: level === 1 ? 'none' : 'group' }, nodes.map((n) => {
      const key = `${path}/${n.name}|${n.source || ''}|${n.circuit || ''}`;
      const folder = n.children.length > 0;
      const leaf = !!n.source && (n.type === 'load' || n.circuit);
      const selectable = leaf || (this.selectFolders && folder);
      const open = folder && (this.filter !== '' || !this.collapsed.has(key));
      const isSelected = this.selectFolders ? this.selected?.key === key
        : selectable && this.selected && this.selected.source === n.source && String(this.selected.circuit) === String(n.circuit);
      const name = n.unassigned ? t('perimeter.unassigned') : n.name;
      const label = h('button.node', {
        type: 'button', 'data-source': n.source, 'data-circuit': n.circuit, 'data-type': n.type,
        'data-meter': n.meter ? 'true' : undefined, 'data-hierarchy': n.hierarchy,
        onclick: (e) => {
          // with selectFolders, the chevron opens and closes; the name chooses
          const toggleOnly = this.selectFolders && folder && e.target.closest('.icon');
          if (selectable && !toggleOnly) {
            this.selected = this.selectFolders ? { ...n, path: names, key, view: this.view } : { source: n.source, circuit: n.circuit };
            if (folder && this.selectFolders) { label.parentElement.setAttribute('aria-expanded', 'true'); this.collapsed.delete(key); }
            this.tree.querySelectorAll('.node.selected').forEach((b) => b.classList.remove('selected'));
            label.classList.add('selected');
            this.onSelect(this.selected);
            if (!this.pinned) this.setOpen(false);
          } else if (folder) {
            const li = label.parentElement;
            const nowOpen = li.getAttribute('aria-expanded') !== 'true';
            li.setAttribute('aria-expanded', String(nowOpen));
            if (nowOpen) this.collapsed.delete(key); else this.collapsed.add(key);
            sessionStorage.setItem('gs.perimeter.collapsed', JSON.stringify([...this.collapsed]));
          }
        },
      }, folder ? icon('chevron') : h('span.leaf'), h('span.name', name),
      n.detail && n.detail !== name ? h('span.detail', n.detail) : null,
      n.meter ? h('span.node-tag.meter', t('perimeter.meter')) : null,
      n.top && names.length ? h('span.node-tag.son', t('perimeter.son_hierarchy')) : null,
      h('span.count', { title: t('perimeter.loads', { n: n.loads }) }, String(n.loads)));
      if (isSelected) label.classList.add('selected');
      return h('li', { role: 'treeitem', 'aria-level': String(level), 'aria-expanded': folder ? String(open) : undefined, 'aria-selected': selectable ? String(isSelected) : undefined },
        label, folder ? this.renderNodes(n.children, level + 1, key, [...names, n.name]) : null);
    }));
  }

  destroy() { clearTimeout(this.debounce); }
}
