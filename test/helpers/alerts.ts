// Alert tests: a server whose alert rounds the test drives (runDue(now) with its own clock), an
// authenticated JSON client, and events fed through the pipeline.
import type { Alert, AlertRun, AlertWithSecret, SavedSearch } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiToken } from './auth.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface AlertHarness {
  server: TestServer;
  /** The time the test's clock shows: each tick() moves it on. */
  now: number;
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  search(name: string, query: string): Promise<SavedSearch>;
  alert(body: Record<string, unknown>): Promise<AlertWithSecret>;
  ingest(messages: string[], over?: Partial<NewEvent>): Promise<void>;
  /** Moves the clock on (a minute by default), runs due alerts and waits for their deliveries. */
  tick(ms?: number): Promise<void>;
  history(alertId: number): Promise<AlertRun[]>;
  stop(): Promise<void>;
}

export const FAST_WEBHOOK = { delaysMs: [20, 40, 80, 160], timeoutMs: 2000 };

/** `now`: the server's clock (default Date.now); `tick`: its scheduler (default none: the test drives rounds). */
export async function alertHarness(opts: { env?: Record<string, string>; dataDir?: string; tick?: string | false; now?: () => number } = {}): Promise<AlertHarness> {
  // The receivers run on 127.0.0.1, an internal address webhooks may reach only when allowed.
  const server = await startTestServer({ env: { DRIFTWOOD_PUBLIC_URL: 'https://logs.example.com', DRIFTWOOD_WEBHOOK_ALLOW: '127.0.0.1', ...opts.env }, dataDir: opts.dataDir, now: opts.now, alerts: { tick: opts.tick ?? false, webhook: FAST_WEBHOOK } });
  const token = await apiToken(server.store, { role: 'member' });
  const base = server.url.replace('localhost', '127.0.0.1');
  const h: AlertHarness = {
    server,
    now: Date.now(),
    async call(method, path, body) {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async search(name, query) {
      const r = await h.call<SavedSearch>('POST', '/api/v1/searches.json', { name, query });
      if (r.status !== 201) throw new Error(`cannot create search: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async alert(body) {
      const r = await h.call<AlertWithSecret>('POST', '/api/v1/alerts.json', { frequency: '1m', timezone: 'UTC', ...body });
      if (r.status !== 201) throw new Error(`cannot create alert: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async ingest(messages, over = {}) {
      const events: NewEvent[] = messages.map((message) => ({
        receivedMs: Date.now(),
        sourceIp: '10.0.0.1',
        systemName: 'web-1',
        hostname: 'web-1',
        program: 'app/web.1',
        severity: 6,
        facility: 23,
        generatedAt: null,
        message,
        fields: {},
        flags: [],
        ...over,
      }));
      await server.pipeline.submit(events, 'test');
    },
    async tick(ms = 60_000) {
      // On the real clock (no `now` given), alerts are created after the harness, with that time as
      // their last run: ticks count from now, or a minute boundary passing between the harness's
      // start and an alert's creation would leave the alert not due at the first tick.
      h.now = (opts.now ? h.now : Math.max(h.now, Date.now())) + ms;
      await server.alerts.runDue(h.now);
      await server.alerts.settled();
    },
    async history(alertId) {
      const r = await h.call<{ runs: AlertRun[] }>('GET', `/api/v1/alerts/${alertId}/history.json`);
      if (r.status !== 200) throw new Error(`history: ${r.status}`);
      return r.body.runs;
    },
    stop: () => server.stop(),
  };
  return h;
}

export type { Alert };
