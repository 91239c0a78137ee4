// The Trends page's API client (docs/api.md): the stored series and their ids, the history of
// series over a range, and the favourites kept on the server.
import { api } from './api.js';

export const isoTime = (ms) => new Date(ms).toISOString();

// [{id, source, circuit, data, unit, type, description, count, from, to}] of these sources
export async function storedSeries(sources) {
  if (!sources.length) return [];
  return (await api.get('/history/series', { source: sources.join(',') })).series;
}

// {series: [{id, source, circuit, data, unit, points: [[t_ms, min, max, avg], ...]}]}
export function history(ids, fromMs, toMs, points) {
  return api.get('/history', { series: ids.join(','), from: isoTime(fromMs), to: isoTime(toMs), points: String(points) });
}

export const favourites = {
  list: async () => (await api.get('/trends/favourites')).favourites,
  save: (name, title, selection) => api.post('/trends/favourites', { name, title, selection }),
  remove: (name) => api.post('/trends/favourites/delete', { name }),
};
