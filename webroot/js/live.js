// Live values pushed by the server (server-sent events, GET /api/v1/live/stream): one
// "live" event carries the snapshots of the subscribed sources that changed.
// The wire's short keys ({c, d, q, s, v, t}, docs/api.md) are decoded here and only here: every
// other module sees named fields.
import { api } from './api.js';

// One live value: {circuit, data, quality, stale, value, ts}.
export function decodeValue(wire) {
  return { circuit: wire.c, data: wire.d, quality: wire.q, stale: wire.s, value: wire.v, ts: wire.t };
}

// One source's snapshot: {source, ts, stale, values: [decoded values]}.
export function decodeSnapshot(wire) {
  return { source: wire.source, ts: wire.ts, stale: wire.stale, values: wire.values.map(decodeValue) };
}

// The latest snapshot of a source, decoded (GET /api/v1/live).
export async function fetchSnapshot(source) {
  return decodeSnapshot(await api.get('/live', { source }));
}

// What a value never received reads as.
export const NO_VALUE = Object.freeze({ circuit: null, data: null, quality: 'none', stale: true, value: null, ts: null });

// The latest value of every (circuit, data) of the snapshots added.
export class LiveValues {
  constructor() { this.byKey = new Map(); }

  add(snapshot) {
    for (const v of snapshot.values) this.byKey.set(v.circuit + '/' + v.data, v);
  }

  // The circuit's value, else the device's own (circuit 0), else NO_VALUE.
  get(circuit, data) {
    return this.byKey.get(circuit + '/' + data) || this.byKey.get('0/' + data) || NO_VALUE;
  }
}

export class LiveFeed {
  // onSnapshot(decoded snapshot) for every source snapshot; onState('live' | 'reconnecting' | 'ended')
  constructor(sources, onSnapshot, onState) {
    this.sources = sources;
    this.onSnapshot = onSnapshot;
    this.onState = onState;
    this.es = null;
  }

  // The first render does not wait for the stream: one snapshot per source now (or the decoded
  // ones the caller already fetched).
  async start(first) {
    first ||= await Promise.all(this.sources.map(fetchSnapshot));
    first.forEach((snap) => this.onSnapshot(snap));
    if (this.stopped) return;
    const url = '/api/v1/live/stream?' + new URLSearchParams({ source: this.sources.join(',') });
    this.es = new EventSource(url);
    this.es.addEventListener('live', (e) => {
      this.onState('live');
      for (const snap of JSON.parse(e.data)) this.onSnapshot(decodeSnapshot(snap));
    });
    this.es.addEventListener('session-ended', () => { this.stop(); this.onState('ended'); });
    this.es.onopen = () => this.onState('live');
    this.es.onerror = () => {
      if (this.es?.readyState === EventSource.CLOSED) {
        this.stop();
        this.onState('ended'); // refused (401): the session is gone
      } else {
        this.onState('reconnecting');
      }
    };
  }

  stop() {
    this.stopped = true;
    this.es?.close();
    this.es = null;
  }
}
