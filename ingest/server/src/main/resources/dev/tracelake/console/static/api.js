// Talks to the console's JSON API on the same origin; the key travels in its HttpOnly cookie.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function read(response) {
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

/** GETs /api/v1/<name> with query parameters. */
export async function get(name, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const url = '/api/v1/' + name + (q.toString() ? '?' + q : '');
  return read(await fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}}));
}

/** POSTs JSON text to /api/v1/<name>. */
export async function postJson(name, text) {
  return read(await fetch('/api/v1/' + name, {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', Accept: 'application/json'}, body: text}));
}

/** The address of an API resource, e.g. a bundle to download. */
export function url(name, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  return '/api/v1/' + name + (q.toString() ? '?' + q : '');
}
