// The Consumption page's API client (docs/api.md, GET /api/v1/consumption): a hierarchy node's
// consumption per bucket with its parts, the hierarchy's split by usage, or circuits without a
// hierarchy. Every answer has buckets [{start, end, value, parts: [{name, kind, value}]}] and
// the period's total, part by part.
import { api } from './api.js';

// what: {hierarchy, node} | {hierarchy, by: 'usage'} | {circuits: ['SOURCE/K', ...]};
// from, to: ISO 8601 with an offset; bucket: hour|day|week|month, or the server's default.
export function consumption(what, from, to, bucket) {
  const query = what.circuits ? { circuit: what.circuits.join(',') } : { hierarchy: what.hierarchy };
  if (what.by) query.by = what.by;
  else if (what.node) query.node = what.node;
  query.from = from;
  query.to = to;
  if (bucket) query.bucket = bucket;
  return api.get('/consumption', query);
}
