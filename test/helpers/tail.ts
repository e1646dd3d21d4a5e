// A real WebSocket client of WS /api/v1/tail (the `ws` package, as the CLI uses), recording every
// message it gets; and a drain poster to feed a server lines that are committed on return.
import WebSocket from 'ws';
import type { TailMessage, TailParams } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import { logplexBody } from './ingest.ts';

export interface TailClient {
  ws: WebSocket;
  messages: TailMessage[];
  events: Event[];
  /** Sum of the counts of {type:"skipped"} messages. */
  skipped: number;
  closed: Promise<{ code: number; reason: string }>;
  waitFor(what: string, done: () => boolean, timeoutMs?: number): Promise<void>;
  /** Until {type:"live"}: the stored part has been sent. */
  live(): Promise<void>;
  close(): Promise<void>;
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused: ${status} ${body}`);
  }
}

export function tailUrl(serverUrl: string, params: TailParams): string {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return `${serverUrl.replace(/^http/, 'ws')}/api/v1/tail?${new URLSearchParams(defined)}`;
}

export async function waitUntil(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens a tail; the token goes in the Authorization header unless `tokenIn: 'query'`. */
export async function openTailClient(serverUrl: string, params: TailParams, opts: { token?: string; tokenIn?: 'header' | 'query'; headers?: Record<string, string> } = {}): Promise<TailClient> {
  const inQuery = opts.tokenIn === 'query' && opts.token;
  const headers = { ...(opts.token && !inQuery ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
  const ws = new WebSocket(tailUrl(serverUrl, inQuery ? { ...params, token: opts.token } : params), { headers });
  const client: TailClient = {
    ws,
    messages: [],
    events: [],
    skipped: 0,
    closed: new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    waitFor: (what, done, timeoutMs) => waitUntil(what, done, timeoutMs),
    live: () =>
      waitUntil('{type:"live"}', () => {
        const error = client.messages.find((m) => m.type === 'error');
        if (error) throw new Error(`tail refused: ${error.message}`);
        if (ws.readyState === WebSocket.CLOSED && !client.messages.some((m) => m.type === 'live')) throw new Error('tail closed before {type:"live"}');
        return client.messages.some((m) => m.type === 'live');
      }),
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await client.closed;
    },
  };
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as TailMessage;
    client.messages.push(m);
    if (m.type === 'events') client.events.push(...m.events);
    if (m.type === 'skipped') client.skipped += m.count;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
    });
  });
  return client;
}

/** POSTs text lines to a drain (one event per line); resolves once they are committed (204). */
export async function postLines(serverUrl: string, drainToken: string, lines: string[]): Promise<void> {
  const res = await fetch(`${serverUrl}/drains/${drainToken}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: lines.join('\n') });
  if (res.status !== 204) throw new Error(`drain answered ${res.status}: ${await res.text()}`);
}

/** POSTs RFC 5424 lines as a logplex-1 body (Heroku's drain format). */
export async function postSyslog(serverUrl: string, drainToken: string, lines: string[]): Promise<void> {
  const res = await fetch(`${serverUrl}/drains/${drainToken}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body: logplexBody(lines) });
  if (res.status !== 204) throw new Error(`drain answered ${res.status}: ${await res.text()}`);
}
