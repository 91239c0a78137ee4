// The Monitor's live status beside the device's name: live (and the values' time), stale (since
// when), no data yet, or reconnecting while the stream is down.
import { h } from '../../dom.js';
import { formatDateTime, formatTime, t } from '../../i18n.js';

export function liveStatus() {
  const el = h('span.live-status', { role: 'status', 'data-state': 'connecting' }, t('monitor.connecting'));
  return {
    el,
    // connected: the stream is up; snapshot: the source's latest (live.js), or null
    update(connected, snapshot) {
      const stale = snapshot?.stale ?? true;
      el.dataset.state = !connected ? 'offline' : stale ? 'stale' : 'live';
      el.textContent = !connected ? t('monitor.reconnecting')
        : stale ? (snapshot?.ts ? t('monitor.stale_since', { time: formatDateTime(snapshot.ts) }) : t('monitor.no_data'))
          : t('monitor.live', { time: formatTime(snapshot.ts) });
    },
  };
}
