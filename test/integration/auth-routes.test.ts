// Every route is checked: anonymous callers are refused everywhere but a short public list, and
// members are refused every admin route. Routes are enumerated from the app itself, so a route
// added later without `config.access` is covered (and protected) automatically.
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { routesOf } from '../../server/http/auth.ts';
import { apiToken, buildTestApp, storedEvents, type TestApp } from '../helpers/auth.ts';

let t: TestApp;
let member: string;
let admin: string;

// The only routes anyone may call without credentials (issue 4, item 4), plus the UI's own files.
const PUBLIC = new Set([
  'GET /healthz',
  'HEAD /healthz',
  'POST /api/v1/session',
  'GET /api/v1/setup',
  'HEAD /api/v1/setup',
  'POST /api/v1/setup',
  'POST /drains/:token',
  'POST /drains',
  // web/dist, served so that the sign-in page can load
  'GET /',
  'HEAD /',
  'GET /index.html',
  'HEAD /index.html',
  'GET /assets/app.js',
  'HEAD /assets/app.js',
]);

beforeAll(async () => {
  t = await buildTestApp({ setupCode: 'ABCD-EFGH', webFiles: { 'index.html': '<!doctype html>', 'assets/app.js': 'console.log(1)' } });
  member = await apiToken(t.store, { role: 'member' });
  admin = await apiToken(t.store, { role: 'admin' });
});
afterAll(() => t.close());

function endpoints(): { method: string; url: string; route: RouteOptions }[] {
  return routesOf(t.app).flatMap((route) =>
    [route.method].flat().map((method) => ({ method, route, url: route.url.replace(/:\w+/g, '999999').replace(/\*$/, 'x') })),
  );
}

test('the app has the routes this test is about', () => {
  const names = new Set(endpoints().map((e) => `${e.method} ${e.route.url}`));
  for (const name of ['GET /api/v1/events/search.json', 'POST /api/v1/users.json', 'DELETE /api/v1/tokens/:id.json', 'GET /metrics', ...PUBLIC]) expect(names).toContain(name);
});

test('every route but sign-in, setup, drains, /healthz and the UI files refuses anonymous requests', async () => {
  const open: string[] = [];
  for (const e of endpoints()) {
    const res = await t.app.inject({ method: e.method as 'GET', url: e.url });
    const name = `${e.method} ${e.route.url}`;
    // HEAD answers carry no body: its 401 can only be the guard's.
    const guarded = res.statusCode === 401 && (e.method === 'HEAD' || res.json<{ message: string }>().message === 'sign in or send an API token');
    if (PUBLIC.has(name)) {
      // Public to the guard; a drain still checks its own token (401 "unknown drain token").
      expect(e.route.config?.access, name).toBe('public');
      expect(guarded, name).toBe(false);
    } else if (!guarded) open.push(`${name} → ${res.statusCode}`);
  }
  expect(open).toEqual([]);
});

test('an unknown API path is refused like a real one (no mapping the API anonymously)', async () => {
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(401);
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { 'x-papertrail-token': member } })).statusCode).toBe(404);
});

test('a member is refused every admin route, and users and drains are admin routes', async () => {
  const adminRoutes = endpoints().filter((e) => e.route.config?.access === 'admin');
  const names = adminRoutes.map((e) => `${e.method} ${e.route.url}`);
  for (const name of ['GET /api/v1/users.json', 'POST /api/v1/users.json', 'GET /api/v1/users/:id.json', 'PUT /api/v1/users/:id.json', 'DELETE /api/v1/users/:id.json', 'GET /api/v1/drains.json', 'POST /api/v1/drains.json', 'DELETE /api/v1/drains/:id.json']) {
    expect(names).toContain(name);
  }
  for (const e of endpoints()) {
    if (/^\/api\/v1\/(users|drains)\b/.test(e.route.url)) expect(e.route.config?.access, `${e.method} ${e.route.url}`).toBe('admin');
  }
  for (const e of adminRoutes) {
    const res = await t.app.inject({ method: e.method as 'GET', url: e.url, headers: { 'x-papertrail-token': member } });
    expect(res.statusCode, `${e.method} ${e.route.url}`).toBe(403);
    const asAdmin = await t.app.inject({ method: e.method as 'GET', url: e.url, headers: { 'x-papertrail-token': admin } });
    expect(asAdmin.statusCode, `${e.method} ${e.route.url} as admin`).not.toBe(403);
  }
});

test('a member may search, list systems and manage their own tokens', async () => {
  const headers = { authorization: `Bearer ${member}` };
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/events/search.json?q=x', headers })).statusCode).toBe(200);
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/systems.json', headers })).statusCode).toBe(200);
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/tokens.json', headers })).statusCode).toBe(200);
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers })).json()).toMatchObject({ via: 'token', user: { role: 'member' } });
});

test('/metrics needs an API token unless DRIFTWOOD_METRICS_PUBLIC=1', async () => {
  expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${member}` } })).statusCode).toBe(200);
  const open = await buildTestApp({ env: { DRIFTWOOD_METRICS_PUBLIC: '1' } });
  try {
    expect((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  } finally {
    await open.close();
  }
});

test('access denials are security events with method and path, never the query string', async () => {
  await t.app.inject({ method: 'GET', url: '/api/v1/users.json?token=not-logged-1234', headers: { 'x-papertrail-token': member } });
  const line = t.logs.find((l) => l.includes('action=access_denied') && l.includes('reason="admin only"'));
  expect(line).toMatch(/method=GET path=\/api\/v1\/users\.json status=403/);
  expect(t.logs.join('\n')).not.toContain('not-logged-1234');
  const wanted = (m: string) => m.includes('path=/api/v1/users.json') && m.includes('outcome=denied');
  const stored = await storedEvents(t.app, admin, 'access_denied', (ms) => ms.some(wanted));
  expect(stored.some(wanted)).toBe(true);
  expect(stored.join('\n')).not.toContain('not-logged-1234');
});

test('admin changes (drains here) are config_change security events', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/drains.json', headers: { 'x-papertrail-token': admin }, payload: { name: 'audited-drain' } });
  expect(res.statusCode).toBe(201);
  const { id } = res.json<{ id: number }>();
  await t.app.inject({ method: 'DELETE', url: `/api/v1/drains/${id}.json`, headers: { 'x-papertrail-token': admin } });
  const wanted = (m: string) => m.startsWith('action=config_change outcome=success') && m.includes(`id=${id}`);
  const events = await storedEvents(t.app, admin, 'config_change', (ms) => ms.some((m) => m.includes('method=POST')) && ms.some(wanted));
  expect(events).toContainEqual(expect.stringMatching(/^action=config_change outcome=success user=\S+ ip=127\.0\.0\.1 method=POST route=\/api\/v1\/drains\.json$/));
  expect(events).toContainEqual(expect.stringMatching(new RegExp(`method=DELETE route=/api/v1/drains/:id.json id=${id}$`)));
});

test('input-validation failures on the API are security events', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/users.json', headers: { 'x-papertrail-token': admin }, payload: { email: 'v@example.com', password: 'long enough but', role: 'superuser' } });
  expect(res.statusCode).toBe(400);
  const events = await storedEvents(t.app, admin, 'input_validation', (ms) => ms.some((m) => m.includes('body/role')));
  expect(events).toContainEqual(expect.stringMatching(/^action=input_validation outcome=failure user=\S+ ip=\S+ method=POST path=\/api\/v1\/users\.json status=400 problem="body\/role must be equal to one of the allowed values"$/));
});
