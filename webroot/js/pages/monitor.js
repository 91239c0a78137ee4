// Monitor (manual §7.2): the live values of the device or circuit chosen in the perimeter, in the
// views the device can fill (the server lists them: GET /api/v1/monitor). This module is the
// page: the perimeter, the address and which device is open; monitor/device.js shows a device.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { Perimeter } from '../perimeter.js';
import { loadDevice, showDevice } from './monitor/device.js';

export async function render(main, { params, can }) {
  const content = h('div.content.monitor');
  let device = null; // the device shown: {close()}
  const perimeter = new Perimeter({
    views: ['location', 'usage', 'fluid', 'photoview'],
    selected: params.source ? { source: params.source, circuit: Number(params.circuit) || undefined } : null,
    onSelect: ({ source, circuit }) => open(source, circuit, null),
  });
  main.append(h('div.workspace', perimeter.el, content));
  perimeter.load();

  function close() {
    device?.close();
    device = null;
  }

  let opening = 0; // the latest open() wins when selections overlap
  async function open(source, circuit, view) {
    close();
    const token = ++opening;
    const q = { source };
    if (circuit) q.circuit = circuit;
    const address = (id) => history.replaceState(null, '', '#/monitor?' + new URLSearchParams(id ? { ...q, view: id } : q));
    address(view);
    clear(content).append(perimeter.toggleButton, h('p.muted', t('monitor.loading')));
    let loaded;
    try {
      loaded = await loadDevice(q);
    } catch (err) {
      if (token !== opening) return;
      clear(content).append(perimeter.toggleButton, h('p.error', { role: 'alert' }, err.status === 404 ? t('monitor.unknown_device') : t('error.load_failed')));
      return;
    }
    if (token !== opening) return;
    // The view in the address is for the first device opened only.
    device = showDevice(content, loaded, { can, toggleButton: perimeter.toggleButton, view: params.view, onView: address });
    params.view = null;
  }

  if (params.source) open(params.source, params.circuit, params.view);
  else content.append(perimeter.toggleButton, h('div.empty', h('h1', t('page.monitor')), h('p', t('monitor.choose_device'))));
  return () => { close(); perimeter.destroy(); };
}
