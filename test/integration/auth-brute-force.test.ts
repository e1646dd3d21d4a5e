// Brute force on a real server: per-account and per-address limits with growing delays, a
// temporary lockout, every step a security event, and answers that never tell whether the
// account exists. The clock is injected; addresses come from X-Forwarded-For (trusted proxy).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACCOUNT_POLICY, IP_POLICY } from '../../server/security/login-limiter.ts';
import { hashPassword } from '../../server/security/passwords.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { createUser, TEST_PASSWORD } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
let now = Date.parse('2026-05-30T12:00:00Z');

beforeAll(async () => {
  server = await startTestServer({ env: { DRIFTWOOD_TRUST_PROXY: '1' }, now: () => now });
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

interface Answer {
  status: number;
  message: string;
  retryAfter: string | null;
}

async function signIn(ip: string, email: string, password: string): Promise<Answer> {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, message: ((await res.json()) as { message?: string }).message ?? '', retryAfter: res.headers.get('retry-after') };
}

/** Guesses until locked out, waiting out each delay as a patient attacker would; returns every answer. */
async function guessUntilLocked(ip: string, email: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let guess = 0; answers.length < 40; guess++) {
    const a = await signIn(ip, email, `wrong guess number ${guess}`);
    answers.push(a);
    if (a.status === 429 && Number(a.retryAfter) >= ACCOUNT_POLICY.lockoutMs / 1000) return answers;
    if (a.status === 429) now += Number(a.retryAfter) * 1000;
  }
  throw new Error('never locked out');
}

test('repeated wrong passwords meet growing delays, then a temporary lockout, all logged', async () => {
  const { email } = await createUser(server.store);
  const answers = await guessUntilLocked('198.51.100.1', email);
  const statuses = answers.map((a) => a.status);
  // 5 free failures, then each failure must wait 1, 2, 4, 8, 16 s, then locked for 15 minutes.
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 401, 429, 401, 429, 401, 429, 401, 429, 401, 429]);
  expect(answers.filter((a) => a.status === 429).map((a) => a.retryAfter)).toEqual(['1', '2', '4', '8', '16', '900']);
  expect(answers[0]!.message).toBe('wrong email or password');
  expect(answers.at(-1)!.message).toBe('too many attempts: try again in 900 s');

  // Locked: even the right password is refused, from any address…
  expect((await signIn('203.0.113.50', email, TEST_PASSWORD)).status).toBe(429);
  // …until the lockout ends.
  now += ACCOUNT_POLICY.lockoutMs;
  expect((await signIn('198.51.100.1', email, TEST_PASSWORD)).status).toBe(200);

  const events = (await api.waitFor(`"${email}"`, 14)).events.map((e) => e.message);
  const failures = events.filter((m) => m.startsWith('action=login outcome=failure'));
  expect(failures.map((m) => /attempt=(\d+)/.exec(m)?.[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  expect(failures[0]).toContain('reason="wrong password"');
  expect(failures[0]).toContain('ip=198.51.100.1');
  expect(events).toContainEqual(expect.stringMatching(/^action=lockout outcome=denied user=\S+ ip=198\.51\.100\.1 of=login scope=account failures=10 lasts_s=900$/));
  expect(events).toContainEqual(expect.stringMatching(/^action=login outcome=denied .*reason="locked out"/));
  expect(events.at(-1)).toMatch(/^action=login outcome=success user=\S+ ip=198\.51\.100\.1$/);
  // The same events reach stderr, one line each.
  expect(server.logs.filter((l) => l.includes(email) && l.includes('action=login outcome=failure'))).toHaveLength(10);
  // Security events are ordinary events of system driftwood, program security.
  const [stored] = (await api.search('lockout', { system_id: 'driftwood' })).events;
  expect(stored).toMatchObject({ source_name: 'driftwood', program: 'security', severity: 'Warning', facility: 'Auth' });
});

test('an unknown account gets exactly the same answers as a wrong password', async () => {
  const { email } = await createUser(server.store);
  const known = await guessUntilLocked('198.51.100.2', email);
  const unknown = await guessUntilLocked('198.51.100.3', 'nobody-here@example.com');
  expect(unknown).toEqual(known);
  const [event] = (await api.waitFor('"nobody-here@example.com"', 1)).events;
  expect(event!.message).toContain('reason="unknown account"');
});

test('an unknown account takes as long to refuse as a wrong password (dummy hash)', async () => {
  // A user with a real-cost hash, as the server itself creates them.
  const email = 'timing@example.com';
  server.store.users.create(email, 'member', await hashPassword(TEST_PASSWORD), now);
  const time = async (who: string, ip: string) => {
    const started = performance.now();
    expect((await signIn(ip, who, 'not the password at all')).status).toBe(401);
    return performance.now() - started;
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
  const knownMs = median([await time(email, '192.0.2.1'), await time(email, '192.0.2.2'), await time(email, '192.0.2.3')]);
  const unknownMs = median([await time('ghost@example.com', '192.0.2.4'), await time('ghost@example.com', '192.0.2.5'), await time('ghost@example.com', '192.0.2.6')]);
  expect(unknownMs / knownMs).toBeGreaterThan(0.33);
  expect(unknownMs / knownMs).toBeLessThan(3);
});

test('one address guessing across many accounts is slowed down by the per-address limit', async () => {
  const users = await Promise.all(Array.from({ length: IP_POLICY.freeFailures + 1 }, () => createUser(server.store)));
  const ip = '198.51.100.77';
  for (const u of users.slice(0, IP_POLICY.freeFailures)) expect((await signIn(ip, u.email, 'wrong guess 123456')).status).toBe(401);
  const refused = await signIn(ip, users.at(-1)!.email, 'wrong guess 123456');
  expect(refused).toMatchObject({ status: 429, retryAfter: '1' });
  // The account itself is fine from elsewhere.
  expect((await signIn('198.51.100.78', users.at(-1)!.email, TEST_PASSWORD)).status).toBe(200);
  const [event] = (await api.waitFor('"scope=ip"', 1)).events;
  expect(event!.message).toMatch(/action=login outcome=denied .*ip=198\.51\.100\.77 .*scope=ip/);
});
