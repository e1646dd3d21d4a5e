// API tokens on a real server: created with a session, shown once, stored hashed, accepted as
// X-Papertrail-Token or Bearer, revoked at once (from the API or the CLI of another process);
// drain tokens only admit ingest; WebSocket upgrades are authenticated.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { ApiToken, ApiTokenCreated } from '../../shared/api.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { apiToken, createUser, TEST_PASSWORD } from '../helpers/auth.ts';
import { runCli, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let admin: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await apiClientFor(server);
});
afterAll(() => server.stop());

async function signIn(email: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
  return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
}

const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
const search = (headers: Record<string, string>) => call('/api/v1/events/search.json?q=x', headers).then((r) => r.status);

test('a token is shown once, works as X-Papertrail-Token and as Bearer, and stops working the moment it is revoked', async () => {
  const { email } = await createUser(server.store);
  const session = await signIn(email);
  const asSession = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  const created = await call('/api/v1/tokens.json', asSession, { method: 'POST', body: JSON.stringify({ name: 'laptop' }) });
  expect(created.status).toBe(201);
  const token = (await created.json()) as ApiTokenCreated;
  expect(token.token).toMatch(/^dwt_[\w-]{43}$/);
  expect(token.token.startsWith(token.prefix)).toBe(true);

  const listed = (await (await call('/api/v1/tokens.json', asSession)).json()) as ApiToken[];
  expect(listed).toEqual([expect.objectContaining({ id: token.id, name: 'laptop', prefix: token.prefix })]);
  expect(JSON.stringify(listed)).not.toContain(token.token);

  expect(await search({ 'x-papertrail-token': token.token })).toBe(200);
  expect(await search({ authorization: `Bearer ${token.token}` })).toBe(200);
  expect((await (await call(`/api/v1/tokens/${token.id}.json`, asSession)).json()) as ApiToken).toMatchObject({ last_used_at: expect.any(String) });

  expect((await call(`/api/v1/tokens/${token.id}.json`, asSession, { method: 'DELETE' })).status).toBe(204);
  expect(await search({ 'x-papertrail-token': token.token })).toBe(401);
  expect(await search({ authorization: `Bearer ${token.token}` })).toBe(401);

  const events = (await admin.waitFor(`"token_id=${token.id} "`, 3)).events.map((e) => e.message);
  expect(events[0]).toMatch(/^action=api_token_created outcome=success user=\S+ ip=\S+ token_id=\d+ token_name=laptop owner=/);
  expect(events[1]).toMatch(/^action=api_token_revoked outcome=success/);
  expect(events[2]).toMatch(/^action=api_token outcome=denied user=\S+ ip=\S+ reason="used after revoke" token_id=\d+ token_name=laptop revoked_at=/);
});

test('`driftwood token rm` in another process revokes a token the running server accepts, at once', async () => {
  const { email } = await createUser(server.store);
  const env = { DRIFTWOOD_DATA_DIR: server.dataDir };
  const added = await runCli(['token', 'add', 'ci deploys', '--user', email], env);
  expect(added.code).toBe(0);
  const token = added.stdout.trimEnd().split('\n').at(-1)!;
  expect(token).toMatch(/^dwt_/);
  expect(await search({ 'x-papertrail-token': token })).toBe(200);
  const id = /Token (\d+)/.exec(added.stdout)![1]!;
  const removed = await runCli(['token', 'rm', id], env);
  expect(removed.code).toBe(0);
  expect(await search({ 'x-papertrail-token': token })).toBe(401);
  // The CLI's own security line goes to its stderr, without the token.
  expect(added.stderr).toMatch(/security action=api_token_created outcome=success .*via=cli/);
  expect(added.stderr + removed.stderr).not.toContain(token);
});

test('a member sees and revokes only their own tokens; an admin may revoke anyone\'s', async () => {
  const alice = await createUser(server.store);
  const bob = await createUser(server.store);
  const aliceToken = await apiToken(server.store, { user: alice.user });
  const bobToken = server.store.apiTokens.create(bob.user.id, 'bob', Date.now());
  const asAlice = { 'x-papertrail-token': aliceToken };
  expect((await call(`/api/v1/tokens/${bobToken.token.id}.json`, asAlice)).status).toBe(404);
  expect((await call(`/api/v1/tokens/${bobToken.token.id}.json`, asAlice, { method: 'DELETE' })).status).toBe(404);
  expect((await call('/api/v1/tokens.json?all=true', asAlice)).status).toBe(403);
  expect(((await (await call('/api/v1/tokens.json', asAlice)).json()) as ApiToken[]).map((t) => t.user_id)).toEqual([alice.user.id]);
  const asAdmin = { 'x-papertrail-token': admin.token! };
  expect(((await (await call('/api/v1/tokens.json?all=true', asAdmin)).json()) as ApiToken[]).map((t) => t.id)).toContain(bobToken.token.id);
  expect((await call(`/api/v1/tokens/${bobToken.token.id}.json`, asAdmin, { method: 'DELETE' })).status).toBe(204);
  expect(await search({ 'x-papertrail-token': bobToken.secret })).toBe(401);
});

test('deleting a user ends their tokens and sessions', async () => {
  const { user, email } = await createUser(server.store);
  const token = await apiToken(server.store, { user });
  const session = await signIn(email);
  expect((await call(`/api/v1/users/${user.id}.json`, { 'x-papertrail-token': admin.token! }, { method: 'DELETE' })).status).toBe(204);
  expect(await search({ 'x-papertrail-token': token })).toBe(401);
  expect(await search({ cookie: session.cookie })).toBe(401);
});

test('the last admin cannot be deleted or demoted', async () => {
  const [me] = ((await (await call('/api/v1/users.json', { 'x-papertrail-token': admin.token! })).json()) as { id: number; role: string }[]).filter((u) => u.role === 'admin');
  expect((await call(`/api/v1/users/${me!.id}.json`, { 'x-papertrail-token': admin.token! }, { method: 'PUT', body: JSON.stringify({ role: 'member' }) })).status).toBe(409);
  expect((await call(`/api/v1/users/${me!.id}.json`, { 'x-papertrail-token': admin.token! }, { method: 'DELETE' })).status).toBe(409);
});

test('a drain token admits ingest to its drain only; an API token is no drain token', async () => {
  const drain = server.store.drains.create('token-test', Date.now());
  expect(await search({ 'x-papertrail-token': drain.token })).toBe(401);
  expect(await search({ authorization: `Bearer ${drain.token}` })).toBe(401);
  const post = (token: string) => fetch(`${server.url}/drains/${token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello from a drain' });
  expect((await post(drain.token)).status).toBe(204);
  expect((await post(admin.token!)).status).toBe(401);
});

describe('WebSocket upgrades (the live tail)', () => {
  const tailUrl = () => `${server.url.replace(/^http/, 'ws')}/api/v1/tail`;
  const open = (target: string, options: WebSocket.ClientOptions = {}) =>
    new Promise<{ opened?: true; status?: number }>((resolve) => {
      const ws = new WebSocket(target, options);
      ws.on('open', () => {
        resolve({ opened: true });
        ws.close();
      });
      ws.on('unexpected-response', (req, res) => {
        resolve({ status: res.statusCode });
        req.destroy();
      });
      ws.on('error', () => undefined);
    });

  test('anonymous upgrades are refused; a token in the query (browsers cannot set headers) or a header is accepted', async () => {
    const token = await apiToken(server.store, { role: 'member' });
    expect(await open(tailUrl())).toEqual({ status: 401 });
    expect(await open(`${tailUrl()}?token=${token}`)).toEqual({ opened: true });
    expect(await open(tailUrl(), { headers: { 'x-papertrail-token': token } })).toEqual({ opened: true });
    expect(await open(`${tailUrl()}?token=dwt_not-a-real-token`)).toEqual({ status: 401 });
  });

  test('a token in the query string is accepted on upgrades only, and never logged', async () => {
    const token = await apiToken(server.store);
    expect((await call(`/api/v1/session?token=${token}`, {})).status).toBe(401);
    expect(server.logs.join('\n')).not.toContain(token);
  });

  test('a cookie upgrade must come from our own origin (cross-site WebSocket hijacking)', async () => {
    const { email } = await createUser(server.store);
    const { cookie } = await signIn(email);
    expect(await open(tailUrl(), { headers: { cookie, origin: 'https://evil.example' } })).toEqual({ status: 403 });
    expect(await open(tailUrl(), { headers: { cookie } })).toEqual({ status: 403 });
    expect(await open(tailUrl(), { headers: { cookie, origin: new URL(server.url).origin } })).toEqual({ opened: true });
    await expect.poll(() => server.logs.join('\n')).toMatch(/action=csrf outcome=denied .*reason="csrf: websocket from another origin"/);
  });
});
