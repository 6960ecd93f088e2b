// The console's only way to the service: fetch to this origin's /v1 API with the key of the tab.
// The key lives in sessionStorage (this tab only, gone when it closes), never in a URL or a cookie.

const KEY = 'pacioli.console.key';

export function key() {
  return sessionStorage.getItem(KEY);
}

export function remember(secret) {
  sessionStorage.setItem(KEY, secret);
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

/** An answer of the API that is not a success: its status and problem document. */
export class Problem extends Error {
  constructor(status, body, text) {
    super(body && body.detail ? body.detail : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code ? body.code : null;
    this.body = body;
    this.text = text;
  }
}

export async function api(method, path, body) {
  if (!path.startsWith('/v1/') && !path.startsWith('/metrics') && !path.startsWith('/health/')) {
    throw new Error('the console calls only its own API: ' + path);
  }
  const headers = { Accept: 'application/json' };
  const secret = key();
  if (secret) {
    headers.Authorization = 'Bearer ' + secret;
  }
  const init = { method, headers, credentials: 'omit', cache: 'no-store', redirect: 'error' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text && (response.headers.get('Content-Type') || '').includes('json') ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw new Problem(response.status, json, text);
  }
  return json === null ? text : json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path, body) => api('DELETE', path, body);

/** Every item of a cursor-paged list, up to `max`. */
export async function all(path, max = 500) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await get(path + (cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''));
    items.push(...(page.data || []));
    cursor = page.next_cursor || null;
  } while (cursor && items.length < max);
  return items.slice(0, max);
}

export function ledgerPath(ledger) {
  return '/v1/ledgers/' + encodeURIComponent(ledger);
}

export const enc = encodeURIComponent;
