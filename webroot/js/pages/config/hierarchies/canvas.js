// The hierarchy's drawing (SVG): bricks that move with the mouse, a handle under each brick to
// draw a link in the direction of flow (a triangle on the link shows it), the unmeasured point
// of every metered node, and the checks on the bricks they are about. Bricks come in by drag
// and drop from the palette (dropAt). Pointer events only: mouse, pen and touch alike.
import { svg, h, clear } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { W, H } from './graph.js';

const PAD = 40;

export class Canvas {
  // graph: a Graph; onChange(): the graph changed; onSelect(selection): {el} | {link} | null;
  // onRefused(key): a link the rules refuse.
  constructor({ graph, labels, onChange, onSelect, onRefused }) {
    this.graph = graph;
    this.labels = labels; // id -> the detail shown under a load's name (its circuit's name)
    this.onChange = onChange;
    this.onSelect = onSelect;
    this.onRefused = onRefused;
    this.checks = new Map(); // id -> [{level: 'error'|'warning', message}]
    this.selection = null;
    this.svg = svg('svg', { class: 'hier-canvas', id: 'hier-canvas', role: 'application', 'aria-label': t('cfgx.hier.canvas') });
    this.el = h('div.hier-canvas-wrap', this.svg);
    this.svg.addEventListener('pointerdown', (e) => { if (e.target === this.svg) this.select(null); });
    this.draw();
  }

  setGraph(graph) { this.graph = graph; this.selection = null; this.draw(); }
  setChecks(checks) { this.checks = checks; this.draw(); }

  select(sel) {
    this.selection = sel;
    this.draw();
    this.onSelect(sel);
  }

  // Drawing coordinates of a point of the screen.
  toDrawing(clientX, clientY) {
    const pt = this.svg.createSVGPoint();
    pt.x = clientX;
    pt.y = clientY;
    const p = pt.matrixTransform(this.svg.getScreenCTM().inverse());
    return { x: p.x, y: p.y };
  }

  // A brick dropped from the palette at a point of the screen; false when outside the drawing.
  dropAt(clientX, clientY, kind, name) {
    const r = this.svg.getBoundingClientRect();
    if (clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) return false;
    const p = this.toDrawing(clientX, clientY);
    const el = this.graph.add(kind, name, p.x - W / 2, p.y - H / 2);
    this.onChange();
    this.select({ el });
    return true;
  }

  bounds() {
    const els = [...this.graph.elements.values()];
    if (!els.length) return { x: 0, y: 0, w: 800, h: 400 };
    const x0 = Math.min(...els.map((e) => e.x)) - PAD;
    const y0 = Math.min(...els.map((e) => e.y)) - PAD;
    const x1 = Math.max(...els.map((e) => e.x + W)) + PAD;
    const y1 = Math.max(...els.map((e) => e.y + H)) + PAD + 60; // room for unmeasured points
    return { x: Math.min(x0, 0), y: Math.min(y0, 0), w: Math.max(x1 - Math.min(x0, 0), 900), h: Math.max(y1 - Math.min(y0, 0), 420) };
  }

  draw() {
    const b = this.bounds();
    this.svg.setAttribute('viewBox', `${b.x} ${b.y} ${b.w} ${b.h}`);
    this.svg.setAttribute('width', b.w);
    this.svg.setAttribute('height', b.h);
    clear(this.svg).append(
      svg('defs', null, svg('marker', { id: 'hier-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0 0L10 5L0 10z', class: 'hier-arrowhead' }))),
      ...this.graph.links.map((l) => this.link(l)),
      ...[...this.graph.elements.values()].flatMap((e) => this.brick(e)));
  }

  link(l) {
    const a = this.graph.elements.get(l.from);
    const b = this.graph.elements.get(l.to);
    const x1 = a.x + W / 2, y1 = a.y + H;
    // Into the target's top when it lies below, else into its nearer side.
    const below = b.y >= y1 + 10;
    const x2 = below ? b.x + W / 2 : b.x > a.x ? b.x : b.x + W;
    const y2 = below ? b.y : b.y + H / 2;
    const my = (y1 + y2) / 2;
    const d = below ? `M${x1} ${y1}C${x1} ${my} ${x2} ${my} ${x2} ${y2}` : `M${x1} ${y1}C${x1} ${y2} ${x1} ${y2} ${x2} ${y2}`;
    const meter = a.kind === 'load' && b.kind === 'node';
    const selected = this.selection?.link === l;
    const path = svg('path', {
      d, class: `hier-link${meter ? ' meter' : ''}${selected ? ' selected' : ''}`,
      'marker-end': 'url(#hier-arrow)', dataset: { from: a.id, to: b.id, fromName: a.name, toName: b.name },
    });
    const hit = svg('path', { d: path.getAttribute('d'), class: 'hier-link-hit', onpointerdown: (e) => { e.stopPropagation(); this.select({ link: l }); } },
      svg('title', null, meter ? t('cfgx.hier.meter_link', { load: a.name, node: b.name }) : `${a.name} → ${b.name}`));
    return svg('g', null, path, hit);
  }

  brick(e) {
    const issues = this.checks.get(e.id) || [];
    const level = issues.some((i) => i.level === 'error') ? 'error' : issues.length ? 'warning' : '';
    const selected = this.selection?.el === e;
    const kindLabel = t('cfgx.hier.brick.' + e.kind) + (e.root ? ` · ${t('cfgx.hier.principal')}` : '');
    const detail = e.kind === 'load' ? this.labels(e.name) : '';
    const g = svg('g', { class: `hier-brick ${e.kind}${level ? ' ' + level : ''}${selected ? ' selected' : ''}`, transform: `translate(${e.x} ${e.y})`,
      dataset: { id: e.id, kind: e.kind, name: e.name, check: level }, tabindex: 0 },
    svg('rect', { width: W, height: H, rx: e.kind === 'node' ? 10 : 4 }),
    svg('text', { x: 10, y: 17, class: 'hier-kind' }, kindLabel),
    svg('text', { x: 10, y: 35, class: 'hier-name' }, clip(e.name || t('cfgx.hier.unnamed'), 22)),
    detail ? svg('text', { x: 10, y: 50, class: 'hier-detail' }, clip(detail, 26)) : null,
    issues.length ? svg('title', null, issues.map((i) => i.message).join('\n')) : null,
    issues.length ? svg('text', { x: W - 18, y: 18, class: 'hier-mark' }, level === 'error' ? '!' : '?') : null);
    g.addEventListener('pointerdown', (ev) => this.startMove(ev, e));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') this.select({ el: e }); });
    const handle = svg('circle', { class: 'hier-handle', cx: e.x + W / 2, cy: e.y + H + 2, r: 7, dataset: { handle: e.id } },
      svg('title', null, t('cfgx.hier.handle')));
    handle.addEventListener('pointerdown', (ev) => this.startLink(ev, e));
    const out = [g];
    if (e.kind !== 'hier') out.push(handle); // a son hierarchy feeds nothing here
    if (e.kind === 'node' && this.graph.incoming(e.id).some((l) => this.graph.kind(l.from) === 'load')) out.push(this.unmeasured(e));
    return out;
  }

  // The node's unmeasured point (manual §8.5.1): meter − (Σ loads + Σ children), made by the server.
  unmeasured(e) {
    const x = e.x + W + 8, y = e.y + 6;
    const issues = this.checks.get(e.id + ':unmeasured') || [];
    return svg('g', { class: `hier-unmeasured${issues.length ? ' error' : ''}`, dataset: { node: e.name } },
      svg('rect', { x, y, width: 112, height: H - 12, rx: 18 }),
      svg('text', { x: x + 10, y: y + 16 }, t('cfgx.hier.unmeasured')),
      svg('text', { x: x + 10, y: y + 31, class: 'hier-detail' }, issues.length ? t('cfgx.hier.imbalanced', { n: issues.length }) : t('cfgx.hier.unmeasured_auto')),
      issues.length ? svg('title', null, issues.map((i) => i.message).join('\n')) : null);
  }

  // Moving a brick; a press without moving selects it.
  startMove(ev, e) {
    ev.stopPropagation();
    ev.preventDefault();
    const start = this.toDrawing(ev.clientX, ev.clientY);
    const origin = { x: e.x, y: e.y };
    let moved = false;
    const move = (m) => {
      const p = this.toDrawing(m.clientX, m.clientY);
      if (!moved && Math.hypot(p.x - start.x, p.y - start.y) < 4) return;
      moved = true;
      e.x = origin.x + p.x - start.x;
      e.y = origin.y + p.y - start.y;
      const g = this.svg.querySelector(`[data-id="${e.id}"]`);
      g?.setAttribute('transform', `translate(${e.x} ${e.y})`);
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      if (moved) { this.draw(); this.onChange({ moved: true }); } else this.select({ el: e });
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  // Drawing a link from the handle under `e` to the brick the pointer is released on.
  startLink(ev, e) {
    ev.stopPropagation();
    ev.preventDefault();
    const x0 = e.x + W / 2, y0 = e.y + H + 2;
    const line = svg('path', { class: 'hier-link drawing', 'marker-end': 'url(#hier-arrow)', d: `M${x0} ${y0}L${x0} ${y0}` });
    this.svg.append(line);
    const move = (m) => {
      const p = this.toDrawing(m.clientX, m.clientY);
      line.setAttribute('d', `M${x0} ${y0}L${p.x} ${p.y}`);
    };
    const up = (u) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      line.remove();
      const target = this.brickAt(u.clientX, u.clientY);
      if (!target || target === e.id) return;
      const refused = this.graph.connect(e.id, target);
      if (refused) this.onRefused(refused);
      else { this.draw(); this.onChange(); }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  brickAt(clientX, clientY) {
    const p = this.toDrawing(clientX, clientY);
    const hit = [...this.graph.elements.values()].find((b) => p.x >= b.x && p.x <= b.x + W && p.y >= b.y - 4 && p.y <= b.y + H + 8);
    return hit?.id || null;
  }
}

const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
