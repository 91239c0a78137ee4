// The page's selection as the API's query parameters (docs/api.md, GET /alarms paged and
// GET /alarms/export): lists comma-separated, the period in ISO 8601.
export const STATUSES = ['active', 'cleared', 'unacked', 'acked', 'shelved', 'out_of_service'];
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'];
export const CATEGORIES = ['limit', 'stale', 'state', 'device_alarm', 'comm_lost', 'atys_transfer', 'hierarchy_balance',
  'dip', 'swell', 'interruption'];

// selection: {type, sources, categories, statuses, criticalities, from: ms|null, to: ms|null}
export function queryOf(selection) {
  const q = { type: selection.type || 'all' };
  const lists = { source: selection.sources, category: selection.categories, status: selection.statuses, criticality: selection.criticalities };
  for (const [key, values] of Object.entries(lists)) if (values?.length) q[key] = values.join(',');
  if (selection.from != null) q.from = new Date(selection.from).toISOString();
  if (selection.to != null) q.to = new Date(selection.to).toISOString();
  return q;
}

export function exportUrl(selection) {
  return '/api/v1/alarms/export?' + new URLSearchParams(queryOf(selection));
}
