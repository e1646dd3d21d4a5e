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

/**
 * The start every client command shares: its arguments (from `parse`, node:util parseArgs; on a
 * parse error the message and usage go to stderr, exit 2; --help prints the usage, exit 0).
 */
export function commandArgs<T extends { values: { help?: boolean } }>(command: string, usage: string, parse: () => T): T | { exit: number } {
  let args: T;
  try {
    args = parse();
  } catch (e) {
    process.stderr.write(`driftwood ${command}: ${(e as Error).message}\n${usage}`);
    return { exit: 2 };
  }
  if (args.values.help) {
    process.stdout.write(usage);
    return { exit: 0 };
  }
  return args;
}

/** DRIFTWOOD_URL and DRIFTWOOD_TOKEN, or undefined after saying what is missing on stderr. */
export function commandConfig(command: string): ClientConfig | undefined {
  const config = clientConfig(process.env);
  if (!('problem' in config)) return config;
  process.stderr.write(`driftwood ${command}: ${config.problem}\n`);
  return undefined;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function apiGet<T>(config: ClientConfig, path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return apiRequest<T>(config, 'GET', `${path}?${query}`);
}

export function apiPost<T>(config: ClientConfig, path: string, body: unknown): Promise<T> {
  return apiRequest<T>(config, 'POST', path, body);
}

async function apiRequest<T>(config: ClientConfig, method: string, pathAndQuery: string, body?: unknown): Promise<T> {
  const path = pathAndQuery.replace(/\?.*/, '');
  let res: Response;
  try {
    res = await fetch(`${config.url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${config.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(`cannot reach ${config.url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
  }
  const answer = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new ApiError(`${res.status} from ${path}: ${answer.message ?? res.statusText}`, res.status);
  return answer;
}

export function search(config: ClientConfig, params: Record<string, string | undefined>): Promise<SearchResponse> {
  return apiGet<SearchResponse>(config, '/api/v1/events/search.json', params);
}
