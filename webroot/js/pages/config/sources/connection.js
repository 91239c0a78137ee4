// How a source reaches its device, as the site file writes it (docs/profiles.md §11): exactly
// one of `tcp: HOST:PORT`, `rtu: DEVICE` (with `baud`, `parity`) or `rtu_tcp: HOST:PORT`, and
// `unit`. The form fields carry the server's error paths (`sources[3].unit`).
import { h } from '../../../dom.js';
import { t } from '../../../i18n.js';
import { select } from '../devices/model.js';

export const PROTOCOLS = ['tcp', 'rtu', 'rtu_tcp'];

export function connectionOf(source) {
  const protocol = PROTOCOLS.find((p) => source[p] !== undefined && source[p] !== null);
  return { protocol: protocol || '', address: protocol ? String(source[protocol]) : '' };
}

// {protocol, address, serial, unit}: the inputs for `source`, with error paths under `base`.
export function connectionFields(source, base, idPrefix) {
  const now = connectionOf(source);
  const id = (x) => (idPrefix ? { id: `${idPrefix}-${x}` } : {});
  const protocol = select([['', t('sources.protocol.none')], ...PROTOCOLS.map((p) => [p, t('sources.protocol.' + p)])], now.protocol || (idPrefix ? 'tcp' : ''),
    { ...id('protocol'), 'aria-label': t('sources.col.protocol') });
  const address = h('input', { type: 'text', ...id('address'), value: now.address, placeholder: '192.168.1.20:502', 'aria-label': t('sources.col.address') });
  const baud = h('input', { type: 'number', ...id('baud'), min: '300', value: source.baud ?? '', placeholder: '9600', 'aria-label': t('sources.baud'), 'data-path': `${base}.baud` });
  const parity = select([['', '—'], ['N', 'N'], ['E', 'E'], ['O', 'O']], source.parity ?? '', { ...id('parity'), 'aria-label': t('sources.parity'), 'data-path': `${base}.parity` });
  const serial = h('span.devices-serial', h('label', t('sources.baud'), ' ', baud), h('label', t('sources.parity'), ' ', parity));
  const unit = h('input', { type: 'text', inputmode: 'numeric', ...id('unit'), value: source.unit ?? '', placeholder: '1', 'aria-label': t('sources.col.unit'), 'data-path': `${base}.unit` });
  const sync = () => {
    address.dataset.path = protocol.value ? `${base}.${protocol.value}` : base;
    address.disabled = !protocol.value;
    address.placeholder = protocol.value === 'rtu' ? '/dev/ttyUSB0' : '192.168.1.20:502';
    serial.hidden = protocol.value !== 'rtu';
  };
  protocol.addEventListener('change', sync);
  sync();
  return { protocol, address, serial, unit, baud, parity };
}

// A number when the text is one, else the text: the server's check names what is wrong.
const numberOr = (text) => (/^-?\d+$/.test(text) ? Number(text) : text);

// Writes the fields into `target` (a source entry of the document copy).
export function readConnection(conn, target) {
  for (const p of PROTOCOLS) delete target[p];
  const protocol = conn.protocol.value;
  if (protocol) target[protocol] = conn.address.value.trim();
  if (protocol === 'rtu') {
    if (conn.baud.value.trim()) target.baud = numberOr(conn.baud.value.trim()); else delete target.baud;
    if (conn.parity.value) target.parity = conn.parity.value; else delete target.parity;
  } else {
    delete target.baud;
    delete target.parity;
  }
  const unit = conn.unit.value.trim();
  if (unit) target.unit = numberOr(unit); else delete target.unit;
}

// Hierarchies name loads "SOURCE/K": a renamed source keeps its place in them.
export function renameInHierarchies(site, from, to) {
  const fix = (load) => (typeof load === 'string' && load.startsWith(from + '/') ? to + load.slice(from.length) : load);
  walkNodes(site, (node) => {
    if (Array.isArray(node.loads)) node.loads = node.loads.map(fix);
    if (node.meter) node.meter = fix(node.meter);
  });
}

// A deleted source leaves the hierarchies that named its circuits.
export function dropFromHierarchies(site, name) {
  const gone = (load) => typeof load === 'string' && load.startsWith(name + '/');
  walkNodes(site, (node) => {
    if (Array.isArray(node.loads)) node.loads = node.loads.filter((l) => !gone(l));
    if (gone(node.meter)) delete node.meter;
  });
}

function walkNodes(site, fn) {
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    fn(node);
    for (const c of node.children || []) walk(c);
  };
  for (const hy of site.hierarchies || []) walk(hy.root);
}
