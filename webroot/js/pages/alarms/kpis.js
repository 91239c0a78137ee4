// The alarm KPIs of the period (ISA-18.2 / EEMUA 191 figures, GET /alarms?kpis=1): alarms per
// hour and per day, standing and unacknowledged alarms, floods (> 10 in 10 min), chattering
// alarms (>= 3 activations in a minute), stale alarms (active > 24 h).
import { h, clear } from '../../dom.js';
import { formatNumber, t } from '../../i18n.js';

export function kpiTiles() {
  const el = h('section.alarms-kpis', { id: 'alarms-kpis', 'aria-label': t('alarms.kpis') });
  function show(k) {
    clear(el);
    if (!k) return;
    const tiles = [
      ['per_hour', formatNumber(k.alarms_per_hour, 2)],
      ['per_day', formatNumber(k.alarms_per_day, 1)],
      ['standing', k.standing],
      ['unacked', k.unacked],
      ['floods', k.floods.length],
      ['chattering', k.chattering.length],
      ['stale', k.stale.length],
    ];
    for (const [key, value] of tiles)
      el.append(h('div.kpi', { dataset: { kpi: key }, title: t('alarms.kpi.' + key + '.about') },
        h('span.kpi-value', String(value)), h('span.kpi-label', t('alarms.kpi.' + key))));
  }
  return { el, show };
}
