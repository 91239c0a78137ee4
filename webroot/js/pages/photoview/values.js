// Live values and alarm colours of a Photoview page: one LiveFeed (live.js) for the devices
// its measure tables show, and the devices' worst active alarm (GET /alarms?state=active,
// read again whenever the pushed alarm revision changes).
import { api } from '../../api.js';
import { LiveFeed, LiveValues } from '../../live.js';
import { formatValue as formatNumber, dataLabel } from '../../format.js';

export function formatValue(v, entry) {
  return formatNumber(v.value, entry?.unit ?? '');
}

export function dataName(name, entry) { return dataLabel(name, entry?.description); }

const RANK = { low: 1, medium: 2, high: 3, urgent: 4, critical: 4 };

// Source name -> its worst active criticality ("low", "medium", "high"...).
export function worstAlarms(records) {
  const worst = new Map();
  for (const r of records) {
    if (r.state !== 'active') continue;
    const prev = worst.get(r.source);
    if (!prev || (RANK[r.criticality] || 0) > (RANK[prev] || 0)) worst.set(r.source, r.criticality);
  }
  return worst;
}

// Feeds `stage` (stage.js) until stop(): values pushed, alarm colours on every alarm change.
export function feedStage(stage, onState) {
  const values = new Map(); // source -> LiveValues
  const live = (source, circuit, data) => (values.get(source) || new LiveValues()).get(circuit, data);
  const feed = stage.sources.length ? new LiveFeed(stage.sources, (snap) => {
    const v = values.get(snap.source) || new LiveValues();
    v.add(snap);
    values.set(snap.source, v);
    stage.update(live);
  }, onState) : null;
  feed?.start().catch(() => onState('ended'));
  const refreshAlarms = async () => {
    try {
      const { alarms } = await api.get('/alarms', { state: 'active' });
      stage.setAlarms(worstAlarms(alarms));
    } catch { /* no alarm engine on this site: no colours */ }
  };
  refreshAlarms();
  window.addEventListener('gs:alarms', refreshAlarms); // the shell's alarm stream (app.js)
  return () => { feed?.stop(); window.removeEventListener('gs:alarms', refreshAlarms); };
}
