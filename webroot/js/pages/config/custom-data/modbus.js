// A custom data's Modbus properties (manual §8.3.8: coefficient, frame name, address, type,
// function) as the device profiles map it: one row per profile point of that data.
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';

const KEYS = ['coefficient', 'frame', 'address', 'type', 'function'];

// profiles: GET /config/site's `profiles` ({id, name, defaults, data: [{circuit, data, attrs}]}).
export function modbusTable(profiles, name) {
  const rows = [];
  for (const p of profiles)
    for (const point of p.data || [])
      if (point.data === name) rows.push({ profile: p, point });
  if (!rows.length) return h('p.muted', { id: 'cfg-data-modbus' }, t('cfgx.data.modbus_none'));
  const value = (p, point, k) => point.attrs?.[k] ?? (k === 'function' ? p.defaults?.function ?? '3' : k === 'coefficient' ? '1' : '—');
  return h('table.data.cfgx-table', { id: 'cfg-data-modbus' },
    h('thead', h('tr', h('th', { scope: 'col' }, t('cfgx.data.col.profile')), h('th', { scope: 'col' }, t('cfgx.data.col.circuit')),
      KEYS.map((k) => h('th', { scope: 'col' }, t('cfgx.data.modbus.' + k))))),
    h('tbody', rows.map(({ profile, point }) => h('tr',
      h('th', { scope: 'row' }, profile.name || profile.id), h('td', String(point.circuit)),
      KEYS.map((k) => h('td', String(value(profile, point, k))))))));
}
