// The data of a model, picked from the catalog (manual §8.3.7 "Selecting data to assign to the
// model"): a search box and the data by group, each a checkbox; the chosen ones first.
import { h, clear } from '../../../dom.js';
import { t, tOr } from '../../../i18n.js';

export function dataPicker({ catalog, selected, readonly = false }) {
  const chosen = new Set(selected);
  const search = h('input', { type: 'search', id: 'cfg-model-data-search', placeholder: t('cfgx.models.data_search'), 'aria-label': t('cfgx.models.data_search') });
  const count = h('span.muted', { id: 'cfg-model-data-count' });
  const groups = h('div.cfgx-picker-groups');
  // Names the catalog does not know (a data since removed) stay listed, to be unticked.
  const known = new Set(catalog.map((d) => d.name));
  const items = [...catalog, ...selected.filter((n) => !known.has(n)).map((name) => ({ name, group: 'unknown', unit: '' }))];

  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const byGroup = new Map();
    for (const d of items) {
      if (q && !`${d.name} ${d.description || ''}`.toLowerCase().includes(q)) continue;
      const g = d.custom ? 'custom' : d.group || 'custom';
      if (!byGroup.has(g)) byGroup.set(g, []);
      byGroup.get(g).push(d);
    }
    clear(groups).append(...[...byGroup].map(([g, data]) => h('fieldset.cfgx-picker-group',
      h('legend', tOr('cfgx.group.' + g, g)),
      data.map((d) => {
        const box = h('input', { type: 'checkbox', value: d.name, id: 'cfg-pick-' + d.name, checked: chosen.has(d.name), disabled: readonly,
          onchange: (e) => { if (e.target.checked) chosen.add(d.name); else chosen.delete(d.name); counted(); } });
        return h('div.cfgx-check', box, h('label', { for: box.id, title: d.description || '' }, d.name,
          d.unit ? h('small.muted', ` (${d.unit})`) : null));
      }))));
    counted();
  };
  const counted = () => { count.textContent = t('cfgx.models.data_count', { n: chosen.size }); };
  search.addEventListener('input', draw);
  draw();
  return {
    el: h('div.cfgx-picker', h('div.cfgx-picker-head', search, count), groups),
    value: () => [...chosen],
  };
}
