// Live values pushed by the server (server-sent events, GET /api/v1/live/stream): one
// "live" event carries the snapshots of the subscribed sources that changed.
import { api } from './api.js';

export class LiveFeed {
  // onSnapshot(snapshot) for every source snapshot; onState('live' | 'reconnecting' | 'ended')
  constructor(sources, onSnapshot, onState) {
    this.sources = sources;
    this.onSnapshot = onSnapshot;
    this.onState = onState;
    this.es = null;
  }

  // The first render does not wait for the stream: one snapshot per source now (or the ones
  // the caller already fetched).
  async start(first) {
    first ||= await Promise.all(this.sources.map((s) => api.get('/live', { source: s })));
    first.forEach((snap) => this.onSnapshot(snap));
    if (this.stopped) return;
    const url = '/api/v1/live/stream?' + new URLSearchParams({ source: this.sources.join(',') });
    this.es = new EventSource(url);
    this.es.addEventListener('live', (e) => {
      this.onState('live');
      for (const snap of JSON.parse(e.data)) this.onSnapshot(snap);
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
