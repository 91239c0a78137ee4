// A hierarchy as the editor's graph (manual §8.5.1) and back to the site file's form
// (docs/consumption.md: a node has `name`, an optional `meter: SOURCE/CIRCUIT`, `loads:`,
// `hierarchies:` and `children:`). Bricks: nodes, loads (circuits) and son hierarchies; links
// follow the flow: node -> node (a child), node -> load (a member load), load -> node (the load
// that feeds the node: its meter, which gives the node its unmeasured part), node -> hierarchy (a
// son hierarchy). No DOM here.

export const W = 170; // a brick's size in the drawing's units
export const H = 58;
const GAP_X = 30;
const GAP_Y = 70;

let counter = 0;
const newId = () => `e${++counter}`;

// {elements: Map id -> {id, kind: 'node'|'load'|'hier', name, x, y, root}, links: [{from, to}]}
export class Graph {
  constructor() {
    this.elements = new Map();
    this.links = [];
  }

  add(kind, name, x = 0, y = 0, root = false) {
    const el = { id: newId(), kind, name, x, y, root };
    this.elements.set(el.id, el);
    return el;
  }

  get root() { return [...this.elements.values()].find((e) => e.root); }
  incoming(id) { return this.links.filter((l) => l.to === id); }
  outgoing(id) { return this.links.filter((l) => l.from === id); }
  kind(id) { return this.elements.get(id)?.kind; }

  remove(id) {
    const el = this.elements.get(id);
    if (!el || el.root) return false; // the principal node stays
    this.elements.delete(id);
    this.links = this.links.filter((l) => l.from !== id && l.to !== id);
    return true;
  }

  unlink(link) { this.links = this.links.filter((l) => l !== link); }

  // The node that links `id` as a child, if any.
  parentNode(id) {
    const l = this.links.find((x) => x.to === id && this.kind(x.from) === 'node');
    return l ? l.from : null;
  }

  // A link from -> to in the direction of flow; returns null when made, else the reason (an
  // i18n key under cfgx.hier.refuse.*).
  connect(from, to) {
    const a = this.elements.get(from);
    const b = this.elements.get(to);
    if (!a || !b || from === to) return 'self';
    if (this.links.some((l) => (l.from === from && l.to === to) || (l.from === to && l.to === from))) return 'twice';
    const pair = `${a.kind}>${b.kind}`;
    if (pair === 'node>node') {
      if (b.root) return 'root_child';
      if (this.parentNode(to)) return 'two_parents';
      for (let p = from; p; p = this.parentNode(p)) if (p === to) return 'cycle';
    } else if (pair === 'node>load') {
      if (this.links.some((l) => l.from === to || l.to === to)) return 'load_once';
    } else if (pair === 'load>node') {
      if (this.links.some((l) => l.from === from || l.to === from)) return 'load_once';
      if (this.incoming(to).some((l) => this.kind(l.from) === 'load')) return 'one_meter';
    } else if (pair === 'node>hier') {
      if (this.incoming(to).length) return 'hier_once';
    } else {
      return 'direction'; // load -> load, anything from a hierarchy, load -> hierarchy
    }
    this.links.push({ from, to });
    return null;
  }
}

// The graph of a hierarchy of the site file, laid out as a tree (a node above its parts).
export function fromYaml(hierarchy) {
  const g = new Graph();
  const root = hierarchy.root || { name: hierarchy.name };
  const walk = (node, parent, isRoot) => {
    const n = g.add('node', node.name || '', 0, 0, isRoot);
    if (parent) g.links.push({ from: parent.id, to: n.id });
    if (node.meter) g.links.push({ from: g.add('load', node.meter).id, to: n.id });
    for (const load of list(node.loads)) g.links.push({ from: n.id, to: g.add('load', load).id });
    for (const son of list(node.hierarchies)) g.links.push({ from: n.id, to: g.add('hier', son).id });
    for (const child of list(node.children)) walk(child, n, false);
  };
  walk(root, null, true);
  layout(g);
  return g;
}

const list = (v) => (Array.isArray(v) ? v : v ? [v] : []);

// Tree layout: each node's parts side by side under it, its meter above-left of it.
export function layout(g) {
  const root = g.root;
  if (!root) return;
  const placed = new Set();
  let nextX = 0;
  const place = (id, depth) => {
    placed.add(id);
    const el = g.elements.get(id);
    const parts = g.outgoing(id).map((l) => l.to).filter((x) => !placed.has(x));
    el.y = depth * (H + GAP_Y) + (H + GAP_Y); // the first row is left for meters
    if (!parts.length) {
      el.x = nextX;
      nextX += W + GAP_X;
    } else {
      const xs = parts.map((p) => place(p, depth + 1));
      el.x = (Math.min(...xs) + Math.max(...xs)) / 2;
    }
    const meter = g.incoming(id).find((l) => g.kind(l.from) === 'load');
    if (meter) {
      const m = g.elements.get(meter.from);
      placed.add(m.id);
      m.x = el.x - (W + GAP_X) / 2;
      m.y = el.y - (H + GAP_Y) / 2 - H / 2;
      el.x += (W + GAP_X) / 4; // the meter sits beside the link into the node
    }
    return el.x;
  };
  place(root.id, 0);
  // Bricks that hang from nothing (dropped but not linked yet) go in a row below.
  const bottom = Math.max(0, ...[...placed].map((id) => g.elements.get(id).y)) + H + GAP_Y;
  let x = 0;
  for (const el of g.elements.values())
    if (!placed.has(el.id)) { el.x = x; el.y = bottom; x += W + GAP_X; }
}

// The site file's form of the graph, and where each node's keys are: {root, paths: Map id ->
// 'root.children[1]'}. `issues`: the bricks the graph cannot save (not linked to the
// principal node), as [{id, key}].
export function toYaml(g) {
  const paths = new Map();
  const reached = new Set();
  const node = (id, path) => {
    reached.add(id);
    paths.set(id, path);
    const el = g.elements.get(id);
    const out = { name: el.name };
    const meter = g.incoming(id).find((l) => g.kind(l.from) === 'load');
    if (meter) {
      out.meter = g.elements.get(meter.from).name;
      reached.add(meter.from);
      paths.set(meter.from, `${path}.meter`);
    }
    const parts = g.outgoing(id);
    out.loads = parts.filter((l) => g.kind(l.to) === 'load').map((l) => { reached.add(l.to); paths.set(l.to, `${path}.loads`); return g.elements.get(l.to).name; });
    out.hierarchies = parts.filter((l) => g.kind(l.to) === 'hier').map((l) => { reached.add(l.to); paths.set(l.to, `${path}.hierarchies`); return g.elements.get(l.to).name; });
    out.children = parts.filter((l) => g.kind(l.to) === 'node').map((l, i) => node(l.to, `${path}.children[${i}]`));
    return out;
  };
  const root = g.root ? node(g.root.id, 'root') : null;
  const issues = [...g.elements.values()].filter((e) => !reached.has(e.id)).map((e) => ({ id: e.id, key: 'unlinked' }));
  for (const e of g.elements.values())
    if (e.kind === 'node' && !e.name.trim()) issues.push({ id: e.id, key: 'no_name' });
  return { root, paths, issues };
}

// Which brick an error of the server is about: `path` is relative to the hierarchy
// ('root.children[0].loads'); a load or son hierarchy is told by the name the message quotes.
export function elementOfError(g, paths, path, message) {
  const candidates = [...paths].filter(([, p]) => p === path);
  if (candidates.length === 1) return candidates[0][0];
  const quoted = /'([^']+)'/.exec(message || '')?.[1];
  const named = candidates.find(([id]) => g.elements.get(id).name === quoted);
  if (named) return named[0];
  // The node the path lies under (its longest prefix).
  let best = null;
  for (const [id, p] of paths)
    if (g.kind(id) === 'node' && (path === p || path.startsWith(p + '.')) && (!best || p.length > paths.get(best).length)) best = id;
  return best;
}
