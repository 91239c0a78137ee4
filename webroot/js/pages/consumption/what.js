// What the Consumption page shows for a node chosen in the perimeter (views Hierarchy, Use,
// Fluid): a hierarchy node (by load, or its hierarchy by use), or circuits without a hierarchy,
// each circuit a part of its own.
export const MAX_CIRCUITS = 500; // GET /consumption's limit per request

// The circuits (SOURCE/K) of a perimeter node and everything below it.
export function circuitsOf(node, out = []) {
  if (node.source && node.circuit && !out.includes(`${node.source}/${node.circuit}`)) out.push(`${node.source}/${node.circuit}`);
  for (const c of node.children || []) circuitsOf(c, out);
  return out;
}

// The request for a perimeter node (with `path`, its ancestors' names) in a view, or null when
// it holds no circuit. mode: 'load' | 'usage'.
export function whatOf(node, view, mode) {
  if (view === 'hierarchy' && !node.source) {
    // a whole hierarchy (its root; a son one hangs under a node), or a node of `hierarchy`;
    // without the server's marks: level 1 is a hierarchy, below a node of path[0]'s
    const hierarchy = node.hierarchy || (node.path.length ? node.path[0] : node.name);
    const whole = node.hierarchy ? !!node.top : !node.path.length;
    if (mode === 'usage') return { hierarchy, by: 'usage', title: hierarchy };
    return whole ? { hierarchy, title: hierarchy } : { hierarchy, node: node.name, title: `${hierarchy} › ${node.name}` };
  }
  const circuits = circuitsOf(node).slice(0, MAX_CIRCUITS);
  if (!circuits.length) return null;
  return { circuits, title: node.name || node.source };
}

// The first hierarchy of a GET /perimeter?view=hierarchy answer, as a node to choose.
export function firstHierarchy(data) {
  const top = data.nodes[0];
  return top ? { ...top, path: [] } : null;
}
