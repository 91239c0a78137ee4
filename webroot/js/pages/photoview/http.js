// The Photoview changes (docs/api.md "Photoview"): PUT, DELETE and the raw image upload, with
// the session's CSRF token like every change; refusals become ApiError as in api.js.
import { ApiError } from '../../api.js';

async function send(csrf, method, path, body, contentType) {
  const res = await fetch('/api/v1' + path, {
    method, credentials: 'same-origin', body,
    headers: { Accept: 'application/json', 'Content-Type': contentType, 'X-CSRF-Token': csrf },
  });
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const pages = (csrf) => ({
  create: (name, symbol) => send(csrf, 'POST', '/photoview/pages', JSON.stringify({ name, symbol }), 'application/json'),
  save: (page) => send(csrf, 'PUT', `/photoview/pages/${page.id}`,
    JSON.stringify({ name: page.name, symbol: page.symbol, elements: page.elements }), 'application/json'),
  remove: (id) => send(csrf, 'DELETE', `/photoview/pages/${id}`, undefined, 'application/json'),
  upload: (id, file) => send(csrf, 'PUT', `/photoview/pages/${id}/image`, file, file.type || 'application/octet-stream'),
});
