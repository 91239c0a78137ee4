// The REST API (docs/api.md): JSON in and out, the CSRF token on every state-changing call.
let csrf = '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error || 'http_' + status;
    this.body = body;
  }
}

export function setCsrf(token) { csrf = token || ''; }

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  // The first GETs of a page load may already be on their way (boot.js).
  const early = method === 'GET' && window.gsPrefetch ? window.gsPrefetch(path) : null;
  const res = await (early || fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  let data = null;
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !path.startsWith('/login')) window.dispatchEvent(new CustomEvent('gs:unauthenticated', { detail: err }));
    throw err;
  }
  return data;
}

export const api = {
  get: (path, query) => call('GET', query ? `${path}?${new URLSearchParams(query)}` : path),
  post: (path, body = {}) => call('POST', path, body),
  put: (path, body) => call('PUT', path, body),
};
