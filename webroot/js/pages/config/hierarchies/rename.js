// A hierarchy renamed: its links from the nodes of other hierarchies (`hierarchies: [...]`)
// and the alarm rules that select it (`hierarchies:` of a hierarchy_balance rule) follow.
const list = (v) => (Array.isArray(v) ? v : []);

export function renameHierarchy(site, from, to, index) {
  const walk = (node) => {
    if (!node) return;
    if (Array.isArray(node.hierarchies)) node.hierarchies = node.hierarchies.map((n) => (n === from ? to : n));
    for (const child of list(node.children)) walk(child);
  };
  list(site.hierarchies).forEach((hy, i) => { if (i !== index) walk(hy.root); });
  for (const rule of list(site.alarms))
    if (Array.isArray(rule.hierarchies)) rule.hierarchies = rule.hierarchies.map((n) => (n === from ? to : n));
}
