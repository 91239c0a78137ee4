// Where the bricks of a hierarchy were placed: the site file has no positions (the tree is the
// data), so the browser keeps them (localStorage), by brick (kind and name), per hierarchy.
const key = (hierarchy) => 'gs.hierarchy.layout.' + hierarchy;
const brickKey = (e) => `${e.kind}:${e.name}`;

export function loadPositions(hierarchy, graph) {
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(key(hierarchy)) || 'null'); } catch { saved = null; }
  if (!saved) return;
  for (const e of graph.elements.values()) {
    const p = saved[brickKey(e)];
    if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) { e.x = p.x; e.y = p.y; }
  }
}

export function savePositions(hierarchy, graph) {
  const out = {};
  for (const e of graph.elements.values()) out[brickKey(e)] = { x: Math.round(e.x), y: Math.round(e.y) };
  try { localStorage.setItem(key(hierarchy), JSON.stringify(out)); } catch { /* full or denied: positions are a comfort */ }
}
