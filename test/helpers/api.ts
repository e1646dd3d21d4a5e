// A small typed client for the HTTP API, as a test (or a user with curl) would call it.
import type { SearchResponse } from '../../shared/api.ts';
import type { Store } from '../../server/store/index.ts';
import { apiToken } from './auth.ts';

export interface ApiClient {
  url: string;
  token?: string;
  get<T>(path: string): Promise<{ status: number; body: T }>;
  search(q: string, params?: Record<string, string>): Promise<SearchResponse>;
  /** Polls until `count` events match or the timeout passes (ingest is asynchronous for UDP/TCP). */
  waitFor(q: string, count: number, params?: Record<string, string>, timeoutMs?: number): Promise<SearchResponse>;
}

export function apiClient(url: string, token?: string): ApiClient {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const get = async <T>(path: string) => {
    const res = await fetch(url + path, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  const search = async (q: string, params: Record<string, string> = {}) => {
    const { status, body } = await get<SearchResponse>(`/api/v1/events/search.json?${new URLSearchParams({ q, ...params })}`);
    if (status !== 200) throw new Error(`search ${q}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    url,
    token,
    get,
    search,
    async waitFor(q, count, params = {}, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await search(q, params);
        if (r.events.length >= count || Date.now() > deadline) return r;
        await new Promise((res) => setTimeout(res, 50));
      }
    },
  };
}

/** The messages of every event matching `q`, paging back from the newest (Papertrail's max_id). */
export async function allMessages(api: ApiClient, q: string): Promise<Set<string>> {
  const found = new Set<string>();
  let maxId: string | undefined;
  for (;;) {
    const page = await api.search(q, { limit: '10000', ...(maxId ? { max_id: maxId } : {}) });
    for (const e of page.events) found.add(e.message);
    if (page.reached_beginning || page.events.length === 0) return found;
    maxId = page.min_id;
  }
}

/** A client for a test server, authenticated as a new admin with an API token (test/helpers/auth.ts). */
export async function apiClientFor(server: { url: string; store?: Store }): Promise<ApiClient> {
  const token = server.store ? await apiToken(server.store) : undefined;
  return apiClient(server.url.replace('localhost', '127.0.0.1'), token);
}
