// A tiny typed client for the HTTP API (shared/api.ts), used by the client commands
// (`search`, `tail`). It talks to DRIFTWOOD_URL with DRIFTWOOD_TOKEN.
import type { SearchResponse } from '../../shared/api.ts';

export interface ClientConfig {
  url: string;
  token: string;
}

export function clientConfig(env: Record<string, string | undefined>): ClientConfig | { problem: string } {
  const url = (env.DRIFTWOOD_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const token = env.DRIFTWOOD_TOKEN ?? '';
  if (!token) return { problem: 'DRIFTWOOD_TOKEN is not set: create one with `driftwood token add NAME --user EMAIL`' };
  return { url, token };
}

export class ApiError extends Error {}

export async function apiGet<T>(config: ClientConfig, path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  let res: Response;
  try {
    res = await fetch(`${config.url}${path}?${query}`, { headers: { authorization: `Bearer ${config.token}` } });
  } catch (e) {
    throw new ApiError(`cannot reach ${config.url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new ApiError(`${res.status} from ${path}: ${body.message ?? res.statusText}`);
  return body;
}

export function search(config: ClientConfig, params: Record<string, string | undefined>): Promise<SearchResponse> {
  return apiGet<SearchResponse>(config, '/api/v1/events/search.json', params);
}
