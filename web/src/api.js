// The JSON API of gridgov (docs/api.md). The session is the HttpOnly cookie
// the server sets at login, so no token is kept in the page.

export class ApiError extends Error {
  constructor(status, error, body) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || (status === 0 ? 'network' : 'internal_error');
    this.field = error?.field || '';
    this.body = body; // the whole answer: import errors carry their rows here
  }
}

function idempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// One request. body: an object (sent as JSON), or {raw, type} for a file.
// POSTs carry an Idempotency-Key unless opts.key is given.
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  let data;
  if (body && body.raw !== undefined) {
    data = body.raw;
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    data = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method === 'POST') headers['Idempotency-Key'] = opts.key || idempotencyKey();
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers, body: data, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: String(e.message || e) });
  }
  const json = (res.headers.get('content-type') || '').includes('json') ? await res.json() : null;
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') window.dispatchEvent(new Event('gg-unauthenticated'));
    throw new ApiError(res.status, json?.error, json);
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const patch = (path, body) => api('PATCH', path, body);

// A query string from an object, leaving out empty values.
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, v === true ? '1' : String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// Download an export (format=xlsx|csv) as a file named by the server.
export async function download(path, fallbackName) {
  let res;
  try {
    res = await fetch('/api/v1' + path, { credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: String(e.message || e) });
  }
  if (!res.ok) {
    const json = (res.headers.get('content-type') || '').includes('json') ? await res.json() : null;
    throw new ApiError(res.status, json?.error, json);
  }
  const cd = res.headers.get('content-disposition') || '';
  const m = /filename="?([^";]+)"?/.exec(cd);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = fallbackName || (m ? m[1] : 'export');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// Every item of a paged list (following `next`), up to max items.
export async function getAll(path, max = 5000) {
  const items = [];
  let after = '';
  const sep = path.includes('?') ? '&' : '?';
  for (;;) {
    const page = await get(`${path}${sep}limit=500${after ? '&after=' + encodeURIComponent(after) : ''}`);
    items.push(...page.items);
    if (!page.next || items.length >= max) return items;
    after = page.next;
  }
}
