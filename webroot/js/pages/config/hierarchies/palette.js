// The bricks on the left of the hierarchy editor (manual §8.5.1 "Constructing the hierarchy"):
// Node, the other hierarchies of the same fluid (son hierarchies) and the loads of that fluid
// (every circuit of the perimeter), dragged onto the drawing. A load already in the drawing is
// marked: a load counts once per hierarchy.
import { h, clear } from '../../../dom.js';
import { t } from '../../../i18n.js';

// loads: [{ref: 'SOURCE/K', label}]; hierarchies: [name]; used(): Set of refs in the drawing;
// drop(kind, name, clientX, clientY): true when it landed on the drawing.
export function palette({ loads, hierarchies, used, drop }) {
  const search = h('input', { type: 'search', id: 'hier-load-search', placeholder: t('cfgx.hier.load_search'), 'aria-label': t('cfgx.hier.load_search') });
  const loadList = h('ul.hier-bricks', { id: 'hier-loads' });
  const brick = (kind, name, label, detail) => {
    const li = h('li.hier-brick-src', { dataset: { kind, name }, tabindex: 0, title: t('cfgx.hier.drag_hint') },
      h('span.hier-brick-kind', t('cfgx.hier.brick.' + kind)), h('span', label), detail ? h('small.muted', detail) : null);
    li.addEventListener('pointerdown', (e) => drag(e, kind, name, label));
    return li;
  };
  const fill = () => {
    const q = search.value.trim().toLowerCase();
    const inUse = used();
    clear(loadList).append(...loads.filter((l) => !q || `${l.ref} ${l.label}`.toLowerCase().includes(q)).map((l) => {
      const li = brick('load', l.ref, l.ref, l.label);
      if (inUse.has(l.ref)) li.classList.add('used');
      return li;
    }));
  };
  search.addEventListener('input', fill);
  fill();

  // A ghost follows the pointer; released over the drawing, the brick is added there.
  function drag(e, kind, name, label) {
    e.preventDefault();
    const ghost = h('div.hier-ghost', t('cfgx.hier.brick.' + kind) + ': ' + label);
    document.body.append(ghost);
    const move = (m) => { ghost.style.left = m.clientX + 8 + 'px'; ghost.style.top = m.clientY + 8 + 'px'; };
    move(e);
    const up = (u) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      ghost.remove();
      drop(kind, name, u.clientX, u.clientY);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  const el = h('aside.hier-palette', { id: 'hier-palette', 'aria-label': t('cfgx.hier.bricks') },
    h('h3', t('cfgx.hier.bricks')),
    h('ul.hier-bricks', { id: 'hier-node-brick' }, brick('node', '', t('cfgx.hier.new_node'))),
    h('h3', t('cfgx.hier.sons')),
    hierarchies.length ? h('ul.hier-bricks', { id: 'hier-sons' }, hierarchies.map((n) => brick('hier', n, n))) : h('p.muted', t('cfgx.hier.no_sons')),
    h('h3', t('cfgx.hier.loads')),
    search, loadList);
  return { el, refresh: fill };
}
