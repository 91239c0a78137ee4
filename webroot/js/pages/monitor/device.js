// One device (or circuit) on the Monitor: its head with the live status, the tabs of its views,
// and the live feed, which repaints the view shown at most once per frame.
import { api } from '../../api.js';
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { LiveFeed, LiveValues, NO_VALUE, fetchSnapshot } from '../../live.js';
import { liveStatus } from './status.js';
import { viewTabs } from './tabs.js';

// The views, one module each: views/<id>.js (monitor.cpp lists which a device has), whose default
// export is (v, d) => {el, update()}: v the view's description ({id, section, data: [names]}),
// d the device below (desc, get, units, meta, can). A view's module is loaded when it is first
// shown, so the first screen waits for one view, not all (boot.js preloads the address's view);
// the device's other views are loaded once its first values are painted.
const views = new Map(); // id -> {promise, build once loaded}

export function loadView(id) {
  if (!/^[a-z-]+$/.test(id)) return Promise.reject(new Error(`no view ${id}`));
  let entry = views.get(id);
  if (!entry) {
    entry = { build: null };
    entry.promise = import(`./views/${id}.js`).then((m) => (entry.build = m.default));
    entry.promise.catch(() => views.delete(id)); // asked again on the next show
    views.set(id, entry);
  }
  return entry.promise;
}

// The description and the first values together: one round trip to the first render. The
// values alone may fail: the feed then asks again.
export async function loadDevice(q) {
  const [desc, first] = await Promise.all([api.get('/monitor', q), fetchSnapshot(q.source).catch(() => null)]);
  return { source: q.source, desc, first };
}

// Shows a device loaded by loadDevice() in `content`: first the view `view` (or the device's
// first), and onView(id) whenever a view is shown. Returns {close()}.
export function showDevice(content, { source, desc, first }, { can, toggleButton, view, onView }) {
  const values = new LiveValues();
  let connected = false; // the stream is up
  let lastSnap = null;
  let current = null; // the view shown: {el, update()}
  let frame = 0;
  let closed = false;
  // What a view is given (views/index.js).
  const device = {
    desc,
    can: can || (() => false),
    units: new Map(desc.data.map((x) => [x.name, x.unit])),
    meta: new Map(desc.data.map((x) => [x.name, x])),
    // The circuit's latest value of a data; all are stale while the stream is down.
    get: (name) => {
      const v = values.get(desc.circuit, name);
      return connected || v === NO_VALUE ? v : { ...v, stale: true };
    },
  };

  const status = liveStatus();
  const tabs = viewTabs(desc.views, show);
  const title = h('div.monitor-title',
    h('h1', desc.circuit_name && desc.circuit_name !== desc.source ? `${desc.circuit_name}` : desc.source),
    h('p.muted', [desc.source, desc.profile.model || desc.profile.name, desc.profile.maker].filter(Boolean).join(' · ')));
  clear(content).append(h('div.monitor-head', toggleButton, title, status.el), tabs.tabs, tabs.panel);

  let shown = null; // the id of the view chosen last
  function show(id) {
    const v = desc.views.find((x) => x.id === id) || desc.views[0];
    if (!v) return;
    shown = v.id;
    tabs.select(v.id);
    onView(v.id);
    const build = views.get(v.id)?.build;
    if (build) { display(v, build); return; }
    current = null;
    tabs.fill(v.id, null);
    loadView(v.id).then((fn) => { if (!closed && shown === v.id) display(v, fn); },
      () => { if (!closed && shown === v.id) tabs.fill(v.id, h('p.error', { role: 'alert' }, t('error.load_failed'))); });
  }

  function display(v, build) {
    current = build(v, device);
    tabs.fill(v.id, current.el);
    current.update();
  }

  // Repaints at most once per frame; the first values are painted at once.
  function schedule(now) {
    if (frame || closed) return;
    const paint = () => {
      frame = 0;
      if (closed) return;
      status.update(connected, lastSnap);
      current?.update();
    };
    if (now) paint();
    else frame = requestAnimationFrame(paint);
  }

  const feed = new LiveFeed([source], (snap) => {
    if (closed) return;
    values.add(snap);
    const isFirst = !lastSnap;
    lastSnap = snap;
    connected = true;
    schedule(isFirst);
  }, (state) => {
    if (state === 'ended') { window.dispatchEvent(new CustomEvent('gs:unauthenticated')); return; }
    connected = state === 'live';
    schedule();
  });
  show(view || desc.views[0]?.id);
  feed.start(first ? [first] : null)
    .then(() => { for (const v of desc.views) loadView(v.id).catch(() => {}); })
    .catch(() => { connected = false; schedule(); });

  return {
    close() {
      closed = true;
      feed.stop();
      cancelAnimationFrame(frame);
    },
  };
}
