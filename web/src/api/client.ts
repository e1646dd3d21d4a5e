// Typed fetch over the API contract (shared/api.ts). Cookie sessions send the CSRF token on every
// write; errors carry the server's message (`{ message }`) and status.
import type { SearchParams } from '../../../shared/api.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** From the session (GET/POST /api/v1/session): sent as X-CSRF-Token on POST/PUT/DELETE. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Listeners for a 401 on any call: the session ended (signed out elsewhere, expired). */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal, read?: (text: string) => T): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials: 'same-origin' });
  const text = await res.text();
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/v1/session') && !path.startsWith('/api/v1/setup')) signedOutListeners.forEach((l) => l());
    const message = (jsonOrText(text) as { message?: string } | undefined)?.message ?? `${res.status} ${res.statusText}`;
    throw new ApiError(message, res.status);
  }
  if (read) return read(text);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** An error body: the server's JSON `{ message }`, or whatever a proxy in between sent. */
function jsonOrText(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A GET; `read` turns the body into the result where JSON.parse is not the way (rows-page.ts). */
export const get = <T>(path: string, signal?: AbortSignal, read?: (text: string) => T) => api<T>('GET', path, undefined, signal, read);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** `path?k=v…` from the defined, non-empty values. */
export function withQuery(path: string, params: Record<string, string | number | undefined> | SearchParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
