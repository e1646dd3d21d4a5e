// Sessions: cookie attributes, CSRF protection, idle and absolute expiry, sign out (here and
// everywhere), password changes. Cookie attributes are checked on a real listening server.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../server/http/auth.ts';
import { apiToken, buildTestApp, createAdmin, createUser, sessionCookieOf, signIn, storedEvents, TEST_PASSWORD, type TestApp } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('on a real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  test('the session cookie is HttpOnly, SameSite=Strict, Path=/, and not Secure over plain HTTP', async () => {
    const { email } = await createUser(server.store);
    const res = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^driftwood_session=[\w-]{43};/);
    const attrs = cookie!.split(/;\s*/).slice(1).map((a) => a.toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=strict');
    expect(attrs).toContain('path=/');
    expect(attrs).not.toContain('secure');
    expect(attrs.find((a) => a.startsWith('max-age='))).toBe(`max-age=${SESSION_ABSOLUTE_MS / 1000}`);
    const body = (await res.json()) as { csrf_token: string; user: { email: string } };
    expect(body.user.email).toBe(email);
    expect(body.csrf_token).toMatch(/^[\w-]{43}$/);
  });

  test('security headers: CSP without inline scripts, frame-ancestors none, nosniff; no HSTS over HTTP', async () => {
    const res = await fetch(`${server.url}/healthz`);
    const csp = res.headers.get('content-security-policy')!;
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  test('request bodies are size-limited on the API (413, and audited)', async () => {
    const big = JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(300 * 1024) });
    const res = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    await expect.poll(() => server.logs.some((l) => l.includes('action=input_validation') && l.includes('status=413'))).toBe(true);
  });
});

describe('behind a trusted HTTPS proxy', () => {
  test('the cookie is Secure when X-Forwarded-Proto says https', async () => {
    const t = await buildTestApp({ env: { DRIFTWOOD_TRUST_PROXY: '1' } });
    try {
      const { email } = await createUser(t.store);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'x-forwarded-proto': 'https' }, payload: { email, password: TEST_PASSWORD } });
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/i);
    } finally {
      await t.close();
    }
  });
});

describe('sessions and CSRF', () => {
  let t: TestApp;
  let now = Date.now();
  let adminToken: string;
  beforeAll(async () => {
    t = await buildTestApp({ now: () => now });
    adminToken = await apiToken(t.store);
  });
  afterAll(() => t.close());

  const asSession = (s: { cookie: string; csrf?: string }, extra: Record<string, string> = {}) => ({ cookie: s.cookie, ...(s.csrf ? { 'x-csrf-token': s.csrf } : {}), ...extra });

  test('GET /api/v1/session says who is signed in and hands out the CSRF token', async () => {
    const { email } = await createUser(t.store);
    const s = await signIn(t.app, email, TEST_PASSWORD);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: s.cookie } });
    expect(res.json()).toMatchObject({ via: 'session', user: { email, role: 'member' }, csrf_token: s.csrf });
  });

  test('a cookie request that changes state needs the X-CSRF-Token header; a token request does not', async () => {
    const { email, user } = await createUser(t.store);
    const s = await signIn(t.app, email, TEST_PASSWORD);
    const post = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/tokens.json', headers, payload: { name: 'cli' } });
    expect((await post(asSession({ cookie: s.cookie }))).statusCode).toBe(403);
    expect((await post(asSession({ cookie: s.cookie, csrf: 'x'.repeat(43) }))).statusCode).toBe(403);
    expect((await post(asSession(s))).statusCode).toBe(201);
    const token = t.store.apiTokens.create(user.id, 'x', now).secret;
    expect((await post({ 'x-papertrail-token': token })).statusCode).toBe(201);
    const events = await storedEvents(t.app, adminToken, 'csrf', (m) => m.filter((l) => l.includes(`user=${email}`)).length >= 2);
    expect(events.filter((l) => l.includes(`user=${email}`)).map((l) => /reason="([^"]+)"/.exec(l)?.[1])).toEqual(expect.arrayContaining(['csrf: token missing', 'csrf: token mismatch']));
  });

  test('a state-changing API request from another origin is refused, even sign-in', async () => {
    const { email } = await createUser(t.store);
    const s = await signIn(t.app, email, TEST_PASSWORD);
    const evil = { origin: 'https://evil.example' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tokens.json', headers: asSession(s, evil), payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: evil, payload: { email, password: TEST_PASSWORD } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'sec-fetch-site': 'cross-site' }, payload: { email, password: TEST_PASSWORD } })).statusCode).toBe(403);
    const same = { origin: 'http://localhost:80', host: 'localhost:80' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tokens.json', headers: asSession(s, same), payload: { name: 'x' } })).statusCode).toBe(201);
  });

  test('a session ends after 12 h idle, and after 7 days however active', async () => {
    const { email } = await createUser(t.store);
    const who = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } }).then((r) => r.statusCode);
    const idle = await signIn(t.app, email, TEST_PASSWORD);
    now += SESSION_IDLE_MS - 120_000;
    expect(await who(idle.cookie)).toBe(200); // activity moves the idle deadline
    now += SESSION_IDLE_MS - 120_000;
    expect(await who(idle.cookie)).toBe(200);
    now += SESSION_IDLE_MS;
    const expired = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: idle.cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({ message: 'your session expired: sign in again' });
    expect(String(expired.headers['set-cookie'])).toMatch(/^driftwood_session=;/);

    const busy = await signIn(t.app, email, TEST_PASSWORD);
    const step = 6 * 3_600_000;
    let elapsed = 0;
    for (; elapsed + step < SESSION_ABSOLUTE_MS; elapsed += step) {
      now += step;
      expect(await who(busy.cookie)).toBe(200);
    }
    now += SESSION_ABSOLUTE_MS - elapsed;
    expect(await who(busy.cookie)).toBe(401);
  });

  test('sign out ends this session at once; sign out everywhere ends them all', async () => {
    const { email, user } = await createUser(t.store);
    const a = await signIn(t.app, email, TEST_PASSWORD);
    const b = await signIn(t.app, email, TEST_PASSWORD);
    const c = await signIn(t.app, email, TEST_PASSWORD);
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: asSession(a) });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^driftwood_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: b.cookie } })).statusCode).toBe(200);
    const all = await t.app.inject({ method: 'DELETE', url: '/api/v1/sessions', headers: asSession(b) });
    expect(all.json()).toEqual({ sessions_ended: 2 });
    for (const s of [b, c]) expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    expect(t.store.sessions.countForUser(user.id)).toBe(0);
    const events = await storedEvents(t.app, adminToken, email, (m) => m.some((l) => l.includes('action=logout_everywhere')));
    expect(events.some((l) => l.startsWith('action=logout outcome=success'))).toBe(true);
  });

  test('signing in again replaces the session the browser brought (no fixation)', async () => {
    const { email } = await createUser(t.store);
    const first = await signIn(t.app, email, TEST_PASSWORD);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: { cookie: first.cookie }, payload: { email, password: TEST_PASSWORD } });
    expect(sessionCookieOf(res)).not.toBe(first.cookie);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: first.cookie } })).statusCode).toBe(401);
  });

  test('changing one\'s password needs the current one and signs out the other sessions', async () => {
    const { email } = await createUser(t.store);
    const here = await signIn(t.app, email, TEST_PASSWORD);
    const elsewhere = await signIn(t.app, email, TEST_PASSWORD);
    const change = (current: string, next: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/password', headers: asSession(here), payload: { current_password: current, new_password: next } });
    expect((await change('wrong password here', 'sea lion marmalade 77')).statusCode).toBe(403);
    expect((await change(TEST_PASSWORD, 'password123456')).statusCode).toBe(400);
    expect((await change(TEST_PASSWORD, 'sea lion marmalade 77')).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: here.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: elsewhere.cookie } })).statusCode).toBe(401);
    await signIn(t.app, email, 'sea lion marmalade 77');
    const events = await storedEvents(t.app, adminToken, 'password_change', (m) => m.filter((l) => l.includes(email)).length >= 2);
    expect(events.filter((l) => l.includes(email)).map((l) => /outcome=(\w+)/.exec(l)?.[1]).sort()).toEqual(['failure', 'success']);
  });

  test('an admin reset of a password signs that user out everywhere', async () => {
    const admin = await createAdmin(t.store);
    const { email, user } = await createUser(t.store);
    const victim = await signIn(t.app, email, TEST_PASSWORD);
    const adm = await signIn(t.app, admin.email, TEST_PASSWORD);
    const res = await t.app.inject({ method: 'PUT', url: `/api/v1/users/${user.id}.json`, headers: asSession(adm), payload: { password: 'walrus trombone 1999' } });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: victim.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: adm.cookie } })).statusCode).toBe(200);
  });
});
