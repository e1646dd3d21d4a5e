// `driftwood demo` against a running server, as a new user runs it: every kind of line it claims
// arrives through the real ingest paths (drain, syslog TCP, syslog UDP), is searchable, and the
// starter alerts fire on it at the next round.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StarterResponse } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import { FAILED_LOGIN_BURST } from '../../server/demo/traffic.ts';
import { alertHarness, type AlertHarness } from '../helpers/alerts.ts';
import { apiToken } from '../helpers/auth.ts';
import { runCli } from '../helpers/server.ts';

let h: AlertHarness;
let base: string;
let starter: StarterResponse;
let run: { code: number | null; stdout: string; stderr: string };

async function events(q: string, limit = 1000): Promise<Event[]> {
  const r = await h.call<{ events: Event[] }>('GET', `/api/v1/events/search.json?q=${encodeURIComponent(q)}&limit=${limit}`);
  if (r.status !== 200) throw new Error(`search ${q}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.events;
}

/** Every event the demo sent: syslog over TCP and UDP is committed a moment after the CLI has sent it. */
async function waitForAll(count: number): Promise<Event[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const all = await events('-program:security', 10_000); // not Driftwood's audit of the drain's creation
    if (all.length >= count || Date.now() > deadline) return all;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await alertHarness();
  base = h.server.url.replace('localhost', '127.0.0.1');
  starter = (await h.call<StarterResponse>('POST', '/api/v1/alerts/starter.json', { email: 'oncall@example.com' })).body;
  const admin = await apiToken(h.server.store);
  run = await runCli(['demo', '--duration', '3s', '--rate', '40', '--seed', '7', '--syslog', `127.0.0.1:${h.server.syslogPort}`], { DRIFTWOOD_URL: base, DRIFTWOOD_TOKEN: admin });
}, 60_000);

afterAll(() => h.stop());

test('driftwood demo sends for the given time and says what it sent through each path', () => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Sending demo traffic for 3s: Heroku app "demo-shop" via http://127.0.0.1:');
  expect(run.stdout).toContain(`a burst of ${FAILED_LOGIN_BURST} failed logins`);
  expect(run.stdout).toMatch(/Sent \d+ lines: \d+ through the drain, \d+ over syslog TCP, \d+ over syslog UDP\./);
  // The drain token is the drain's only secret: not printed.
  expect(run.stdout).not.toMatch(/drains\/d\.[0-9a-f]/);
});

test('every line the demo sent is stored and searchable, each kind it claims among them', async () => {
  const [, total, drain, tcp, udp] = /Sent (\d+) lines: (\d+) through the drain, (\d+) over syslog TCP, (\d+) over syslog UDP/.exec(run.stdout)!.map(Number);
  expect(drain! + tcp! + udp!).toBe(total);
  expect((await waitForAll(total!)).length).toBe(total);
  // The Heroku drain was created over the API (an admin's token) and names the app's events.
  expect(h.server.store.drains.find('demo-shop')).toBeTruthy();
  const router = await events('program:heroku/router');
  expect(router.length).toBeGreaterThan(10);
  expect(router.every((e) => e.source_name === 'demo-shop')).toBe(true);
  const ids = router.map((e) => e.fields.request_id);
  expect(new Set(ids).size).toBe(ids.length);
  expect((await events('program:heroku/router status>=500')).length).toBeGreaterThan(0);
  const h12 = await events('code=H12');
  expect(h12[0]).toMatchObject({ program: 'heroku/router', severity: 'Error', fields: { status: '503', service: '30000ms' } });
  // Python logging: a traceback arrives one line per event, as Heroku sends it.
  const [traceHead] = await events('program:app/web.* "Traceback (most recent call last)"');
  expect(traceHead).toBeDefined();
  const [exception] = await events('PaymentGatewayError "gateway timeout after"');
  expect(exception!.program).toBe(traceHead!.program);
  expect((await events('"Internal Server Error"'))[0]!.severity).toBe('Error');
  expect((await events('program:app/api "Release v"')).length).toBeGreaterThan(0);
  expect((await events('program:heroku/web.* "State changed from starting to up"')).length).toBeGreaterThan(0);
  // Rails' colours are stored as sent; a word glued to an escape sequence needs the regex form.
  const [ansi] = await events('sender:billing-1 ~"Invoice Load"');
  expect(ansi!.message).toContain('\x1b[1m\x1b[36mInvoice Load');
  expect(ansi!.program).toBe('rails');
  expect((await events('sender:billing-1 ActiveRecord'))[0]!.message).toContain('\x1b[32m200 OK\x1b[0m');
  const ssh = await events('sender:bastion program:sshd "failed password"');
  expect(ssh.length).toBeGreaterThanOrEqual(FAILED_LOGIN_BURST / 2);
  expect((await events('program:app/web.* "login failed"')).length).toBeGreaterThan(0);
});

test('with the starter pack installed, the burst of failed logins and the 5xx fire their alerts at the next round', async () => {
  await h.tick(60_000);
  const runOf = async (key: string) => (await h.history(starter.items.find((i) => i.key === key)!.alert_id))[0]!;
  expect(await runOf('failed-login-burst')).toMatchObject({ fired: true });
  expect((await runOf('failed-login-burst')).matched).toBeGreaterThanOrEqual(FAILED_LOGIN_BURST);
  expect(await runOf('heroku-5xx')).toMatchObject({ fired: true });
  expect(await runOf('heroku-errors')).toMatchObject({ fired: true });
});

test('a member cannot create the drain: the demo says what to run instead', async () => {
  const member = await apiToken(h.server.store, { role: 'member' });
  const r = await runCli(['demo', '--app', 'other-app', '--duration', '1s', '--syslog', 'off'], { DRIFTWOOD_URL: base, DRIFTWOOD_TOKEN: member });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("managing drains needs an admin's token: run `driftwood drain add other-app` on the server and pass its URL as --drain");
}, 30_000);

test('--drain needs no API token; bad options are refused with what is wrong', async () => {
  const drain = h.server.store.drains.create('given', Date.now());
  const r = await runCli(['demo', '--drain', drain.token, '--duration', '1s', '--syslog', 'off', '--seed', '8'], { DRIFTWOOD_URL: base, DRIFTWOOD_TOKEN: '' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/Sent \d+ lines: \d+ through the drain, 0 over syslog TCP, 0 over syslog UDP/);
  expect((await events('sender:given program:heroku/router')).length).toBeGreaterThan(0);
  const bad = await runCli(['demo', '--duration', 'soon', '--rate', 'lots', '--syslog', 'nowhere'], { DRIFTWOOD_URL: base });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--duration "soon" is not a duration');
  expect(bad.stderr).toContain('--rate "lots" is not a number of lines per second');
  expect(bad.stderr).toContain('--syslog "nowhere" is not HOST:PORT or off');
}, 30_000);
