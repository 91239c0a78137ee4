// ATyS transfer switch: a diagram of the two sources, the switch and the load, and the states.
// Position: 1 = O (open), 2 = I (source 1), 3 = II (source 2)  (profiles/socomec/atys-pm.yaml)
import { h } from '../../../dom.js';
import { t, tOr } from '../../../i18n.js';
import { card, label, markValue, view } from '../parts.js';

export function atysStatus(v, d) {
  // The profile's name of a state, else the translation's, else the number.
  const stateText = (name) => {
    const x = d.get(name);
    if (x.value === null) return '—';
    const states = d.meta.get(name)?.states;
    const key = String(Math.round(x.value));
    return states?.[key] ?? tOr(`atys.${name}.${key}`, key);
  };
  const diagram = h('div.atys', { role: 'img', 'aria-label': t('monitor.view.atys-status') },
    h('div.atys-source', { 'data-source': '1' }, h('strong', t('atys.source1')), h('span.atys-state')),
    h('div.atys-source', { 'data-source': '2' }, h('strong', t('atys.source2')), h('span.atys-state')),
    h('div.atys-switch', h('span.atys-pos', '—')),
    h('div.atys-load', h('strong', t('atys.load'))));
  const rows = v.data.map((n) => {
    const value = h('span.value', '—');
    return { n, value, row: h('tr', h('th', { scope: 'row' }, label(d, n)), h('td', value)) };
  });
  const update = () => {
    const pos = d.get('AtysSwitchPosition');
    diagram.dataset.position = pos.value === null ? 'unknown' : String(Math.round(pos.value));
    diagram.classList.toggle('stale', pos.stale);
    diagram.querySelector('.atys-pos').textContent = stateText('AtysSwitchPosition');
    diagram.querySelectorAll('.atys-source').forEach((el) => { el.querySelector('.atys-state').textContent = stateText(`AtysSource${el.dataset.source}State`); });
    for (const r of rows) {
      r.value.textContent = stateText(r.n);
      markValue(r.value, d.get(r.n));
    }
  };
  return view([{ update }], card(t('monitor.view.atys-status'), diagram),
    card(null, h('table.data', h('caption', t('monitor.states')), h('tbody', rows.map((r) => r.row)))));
}
