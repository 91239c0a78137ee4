// One device (or circuit) on the Monitor: its head with the live status, the tabs of its views,
// and the live feed, which repaints the view shown at most once per frame.
import { api } from '../../api.js';
import { h, clear } from '../../dom.js';
import { LiveFeed, LiveValues, NO_VALUE, fetchSnapshot } from '../../live.js';
import { liveStatus } from './status.js';
import { viewTabs } from './tabs.js';
import { VIEWS } from './views/index.js';

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

  function show(id) {
    const v = desc.views.find((x) => x.id === id) || desc.views[0];
    if (!v) return;
    current = VIEWS[v.id](v, device);
    tabs.show(v.id, current.el);
    onView(v.id);
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
  feed.start(first ? [first] : null).catch(() => { connected = false; schedule(); });

  return {
    close() {
      closed = true;
      feed.stop();
      cancelAnimationFrame(frame);
    },
  };
}
