// Accounts for tests: users and API tokens created straight in the store (as `driftwood user add`
// and `driftwood token add` do), so a test gets credentials without the HTTP sign-in dance.
import type { Role, Store, UserRow } from '../../server/store/index.ts';
import { hashPassword } from '../../server/security/passwords.ts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../server/app.ts';
import { Pipeline } from '../../server/ingest/pipeline.ts';
import { Metrics } from '../../server/metrics.ts';
import { createAudit } from '../../server/security/audit.ts';
import { openStore } from '../../server/store/index.ts';
import { captureLogger, testConfig } from './server.ts';
import { tmpDir } from './tmp.ts';

/** Passes the password policy (12+ characters, not common). */
export const TEST_PASSWORD = 'tidal otter umbrella 42';
// Test users get a cheap scrypt cost (the cost is stored in each hash, so verification follows
// it); the server's own hashes and its dummy hash for unknown accounts keep the real cost.
const TEST_COST = { N: 2 ** 10, r: 8, p: 1 };

let counter = 0;

export async function createUser(store: Store, opts: { email?: string; role?: Role; password?: string } = {}): Promise<{ user: UserRow; email: string; password: string }> {
  const role = opts.role ?? 'member';
  const email = opts.email ?? `${role}-${process.pid}-${++counter}@example.test`;
  const password = opts.password ?? TEST_PASSWORD;
  const user = store.users.create(email, role, await hashPassword(password, TEST_COST), Date.now());
  if (!user) throw new Error(`cannot create test user ${email}: exists`);
  return { user, email, password };
}

export function createAdmin(store: Store, opts: { email?: string; password?: string } = {}) {
  return createUser(store, { ...opts, role: 'admin' });
}

/** A fresh API token (send it as X-Papertrail-Token or Authorization: Bearer) of a new user, admin by default. */
export async function apiToken(store: Store, opts: { role?: Role; user?: UserRow } = {}): Promise<string> {
  const user = opts.user ?? (await createUser(store, { role: opts.role ?? 'admin' })).user;
  return store.apiTokens.create(user.id, 'test', Date.now()).secret;
}

// An app for inject() tests, on a real store in a temp dir (buildApp never listens).

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  pipeline: Pipeline;
  /** What the server wrote to its log (stderr in production), one entry per line. */
  logs: string[];
  dataDir: string;
  close(): Promise<void>;
}

/** buildApp on a temp data dir; `webFiles` become a tiny built UI (path → content). */
export async function buildTestApp(
  opts: { env?: Record<string, string>; now?: () => number; setupCode?: string; webFiles?: Record<string, string>; extend?: (app: FastifyInstance) => Promise<void> } = {},
): Promise<TestApp> {
  const dir = tmpDir();
  const webRoot = join(dir.path, 'web');
  mkdirSync(webRoot);
  for (const [path, content] of Object.entries(opts.webFiles ?? {})) {
    mkdirSync(join(webRoot, path, '..'), { recursive: true });
    writeFileSync(join(webRoot, path), content);
  }
  const dataDir = join(dir.path, 'data');
  const store = openStore(dataDir);
  const metrics = new Metrics();
  const pipeline = new Pipeline(store, metrics);
  const logs: string[] = [];
  const log = captureLogger(logs);
  const now = opts.now ?? Date.now;
  const audit = createAudit(pipeline, log, now);
  const app = await buildApp({ config: testConfig(dataDir, opts.env), store, pipeline, metrics, log, audit, now, webRoot: `${webRoot}/`, setupCode: opts.setupCode });
  await opts.extend?.(app);
  await app.ready();
  return {
    app,
    store,
    pipeline,
    logs,
    dataDir,
    async close() {
      await app.close();
      pipeline.close();
      store.close();
      dir.cleanup();
    },
  };
}

/** `name=value` of the session cookie in a response, for the next request's Cookie header. */
export function sessionCookieOf(res: LightMyRequestResponse | Response): string | undefined {
  const headers = 'statusCode' in res ? (res.headers['set-cookie'] ?? []) : res.headers.getSetCookie();
  const list = Array.isArray(headers) ? headers : [headers];
  const line = list.find((c) => c.startsWith('driftwood_session='));
  return line?.split(';')[0];
}

/** Signs in through POST /api/v1/session; returns the cookie and the CSRF token to send back. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${email}: ${res.statusCode} ${res.body}`);
  return { cookie: sessionCookieOf(res)!, csrf: (res.json() as { csrf_token: string }).csrf_token };
}

/** Waits until the stored events matching `q` (searched with an admin token) satisfy `done`. */
export async function storedEvents(app: FastifyInstance, token: string, q: string, done: (messages: string[]) => boolean = (m) => m.length > 0, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/events/search.json?${new URLSearchParams({ q, limit: '10000' })}`, headers: { 'x-papertrail-token': token } });
    if (res.statusCode !== 200) throw new Error(`search ${q}: ${res.statusCode} ${res.body}`);
    const messages = (res.json() as { events: { message: string }[] }).events.map((e) => e.message);
    if (done(messages) || Date.now() > deadline) return messages;
    await new Promise((r) => setTimeout(r, 25));
  }
}
