// The starter pack against lines in the shapes common web apps, daemons and Heroku log them,
// ingested the real way (Heroku drain, syslog over TCP, Driftwood's own security events) and
// counted by the alerts' own runs. The in-memory matcher (live tail) must agree with every count.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Event } from '../../shared/event.ts';
import { compileMatcher } from '../../shared/query/match.ts';
import { parse } from '../../shared/query/parse.ts';
import type { StarterResponse } from '../../shared/api.ts';
import { STARTER_PACK } from '../../server/alerts/starter.ts';
import { alertHarness, type AlertHarness } from '../helpers/alerts.ts';
import { createUser } from '../helpers/auth.ts';
import { sendTcp } from '../helpers/ingest.ts';
import { postSyslog } from '../helpers/tail.ts';
import { runCli } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

type Key = (typeof STARTER_PACK)[number]['key'];
type Line = { via: 'app' | 'router' | 'heroku' | 'logplex' | 'syslog'; line: string; matches: Key[] };

const LINES: Line[] = [
  // Authentication failures (OWASP): web frameworks, sshd/PAM, SQL Server, Spring Security.
  { via: 'app', line: 'Login unsuccessful, attempt #2, username: bob', matches: ['failed-logins'] },
  { via: 'syslog', line: '<38>May 30 09:24:01 bastion sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2', matches: ['failed-logins'] },
  { via: 'syslog', line: '<38>May 30 09:24:02 bastion sshd[4243]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root', matches: ['failed-logins'] },
  { via: 'app', line: "Login failed for user 'sa'. Reason: Password did not match that for the login provided.", matches: ['failed-logins'] },
  { via: 'app', line: 'o.s.s.a.DaoAuthenticationProvider : Authentication failed: Bad credentials', matches: ['failed-logins'] },
  { via: 'app', line: 'Login successful, username: bob', matches: [] },
  { via: 'app', line: 'User bob logged in', matches: [] },
  // Access-control failures.
  { via: 'syslog', line: '<134>1 2026-05-30T09:24:01Z web-2 django 77 - - Invalid access to view list. userid: 3', matches: ['access-denied'] },
  { via: 'syslog', line: "<35>May 30 09:24:03 db-1 mysqld[999]: Access denied for user 'app'@'10.0.0.5' (using password: YES)", matches: ['access-denied'] },
  { via: 'app', line: 'GET /admin 403 Forbidden 2ms', matches: ['access-denied'] },
  { via: 'router', line: 'at=info method=GET path="/admin" host=myapp.herokuapp.com request_id=6f1c-aa fwd="198.51.100.7" dyno=web.1 connect=0ms service=3ms status=403 bytes=120 protocol=https', matches: ['access-denied'] },
  { via: 'app', line: 'access granted to bob', matches: [] },
  { via: 'app', line: 'GET /accessories 200 12ms', matches: [] },
  // Password resets for addresses nobody has.
  { via: 'app', line: 'Password reset requested for unknown email: eve@example.com', matches: ['password-reset-unknown'] },
  { via: 'syslog', line: '<134>1 2026-05-30T09:24:04Z web-2 django 77 - - Forgot password: no account for mallory@example.com', matches: ['password-reset-unknown'] },
  { via: 'app', line: 'Reset password attempt for non-existent user trudy@example.com', matches: ['password-reset-unknown'] },
  { via: 'app', line: 'Password reset email sent to bob@example.com', matches: [] },
  { via: 'app', line: 'Unknown route /reset', matches: [] },
  // Errors and warnings as logging libraries print them.
  { via: 'app', line: 'Error: connect ECONNREFUSED 10.0.0.5:5432', matches: ['errors'] },
  { via: 'app', line: "E, [2026-05-30T09:24:01.123456 #4242] ERROR -- : ActiveRecord::RecordNotFound (Couldn't find User with 'id'=42)", matches: ['errors'] },
  { via: 'app', line: '2026-05-30 09:24:01,438 WARNING [app.views] slow query: 2300ms', matches: ['warnings'] },
  { via: 'app', line: '[WARN] cache miss rate 40%', matches: ['warnings'] },
  { via: 'app', line: 'W, [2026-05-30T09:24:01.123456 #4242]  WARN -- : Deprecated call to User#name', matches: ['warnings'] },
  { via: 'app', line: 'terrors of the deep; forewarned is forearmed', matches: [] },
  // Heroku: router H codes and 5xx, dyno R codes, logplex L codes.
  { via: 'router', line: 'at=error code=H12 desc="Request timeout" method=GET path="/reports" host=myapp.herokuapp.com request_id=ab12 fwd="198.51.100.7" dyno=web.1 connect=1ms service=30000ms status=503 bytes=0 protocol=https', matches: ['errors', 'heroku-errors', 'heroku-5xx'] },
  { via: 'router', line: 'at=error code=H10 desc="App crashed" method=GET path="/" host=myapp.herokuapp.com request_id=cd34 fwd="198.51.100.8" dyno= connect= service= status=503 bytes= protocol=https', matches: ['errors', 'heroku-errors', 'heroku-5xx'] },
  { via: 'router', line: 'at=info method=POST path="/orders" host=myapp.herokuapp.com request_id=ef56 fwd="198.51.100.9" dyno=web.2 connect=0ms service=45ms status=500 bytes=0 protocol=https', matches: ['heroku-5xx'] },
  { via: 'router', line: 'at=info method=GET path="/" host=myapp.herokuapp.com request_id=0a0a fwd="198.51.100.9" dyno=web.2 connect=0ms service=5ms status=200 bytes=2048 protocol=https', matches: [] },
  { via: 'router', line: 'at=info method=GET path="/missing" host=myapp.herokuapp.com request_id=0b0b fwd="198.51.100.9" dyno=web.2 connect=0ms service=5ms status=404 bytes=12 protocol=https', matches: [] },
  { via: 'heroku', line: 'Error R14 (Memory quota exceeded)', matches: ['errors', 'heroku-errors'] },
  { via: 'logplex', line: 'Error L10 (output buffer overflow): 150 messages dropped since 2026-05-30T09:00:00+00:00.', matches: ['errors', 'heroku-errors'] },
  { via: 'app', line: 'Error R14 (Memory quota exceeded)', matches: ['errors'] }, // an app's own line is not Heroku's
  { via: 'app', line: 'request handled status=500', matches: [] },
];

// Driftwood's own security events, caused through the API below.
const OWN: Key[][] = [['failed-logins'], ['access-denied']];

let h: AlertHarness;
let starter: StarterResponse;
const alertOf = (key: Key) => starter.items.find((i) => i.key === key)!.alert_id;

function frame(l: Line): string {
  const ts = new Date().toISOString();
  if (l.via === 'router') return `<158>1 ${ts} host heroku router - ${l.line}`;
  if (l.via === 'heroku') return `<45>1 ${ts} host heroku web.1 - ${l.line}`;
  if (l.via === 'logplex') return `<172>1 ${ts} host heroku logplex - ${l.line}`;
  return `<190>1 ${ts} host app web.1 - ${l.line}`;
}

async function waitForCount(q: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await h.call<{ events: unknown[] }>('GET', `/api/v1/events/search.json?q=${encodeURIComponent(q)}`);
    if (r.body.events.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${r.body.events.length} of ${count} events match ${q}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

beforeAll(async () => {
  h = await alertHarness();
  const drain = h.server.store.drains.create('myapp', Date.now());
  // A router line before installing: the site-quiet alert is then created enabled.
  await postSyslog(h.server.url, drain.token, [frame(LINES.find((l) => l.via === 'router' && l.matches.length === 0)!)]);
  starter = (await h.call<StarterResponse>('POST', '/api/v1/alerts/starter.json', { email: 'oncall@example.com' })).body;
  expect(starter.items.every((i) => i.enabled)).toBe(true);

  await postSyslog(h.server.url, drain.token, LINES.filter((l) => l.via !== 'syslog').map(frame));
  const syslog = LINES.filter((l) => l.via === 'syslog');
  await sendTcp(h.server.syslogPort!, [...syslog.map((l) => `${l.line}\n`), '<14>May 30 09:25:00 marker marker: end-of-starter-lines\n']);
  await waitForCount('end-of-starter-lines', 1);
  // A failed sign-in and a member reaching for an admin route: Driftwood audits both.
  const base = h.server.url.replace('localhost', '127.0.0.1');
  const { email } = await createUser(h.server.store);
  await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'not the password at all' }) });
  expect((await h.call('GET', '/api/v1/users.json')).status).toBe(403);
  await waitForCount('program:security (outcome=failure OR outcome=denied)', 2);
}, 60_000);

afterAll(() => h.stop());

test('each starter search finds exactly its lines, counted by the alert\'s own run', async () => {
  await h.tick(600_000); // every starter alert is due, the 10-minute one included
  const expected = (key: Key) => LINES.filter((l) => l.matches.includes(key)).length + OWN.filter((k) => k.includes(key)).length;
  const counted: Record<string, number | null> = {};
  const wanted: Record<string, number> = {};
  for (const item of STARTER_PACK) {
    const [run] = await h.history(alertOf(item.key));
    counted[item.key] = run!.matched;
    wanted[item.key] = item.key === 'failed-login-burst' ? expected('failed-logins') : item.key === 'site-quiet' ? LINES.filter((l) => l.via === 'router').length : expected(item.key);
  }
  expect(counted).toEqual(wanted);
  // Below ten failed logins in the window: the burst alert stays quiet; the single-failure one fires.
  expect((await h.history(alertOf('failed-login-burst')))[0]!.fired).toBe(false);
  expect((await h.history(alertOf('failed-logins')))[0]!.fired).toBe(true);
  expect((await h.history(alertOf('site-quiet')))[0]!.fired).toBe(false);
});

test('the in-memory matcher (live tail) agrees with every starter count', async () => {
  const r = await h.call<{ events: Event[] }>('GET', '/api/v1/events/search.json?limit=1000');
  for (const item of STARTER_PACK) {
    const parsed = parse(item.query);
    if (!parsed.ok) throw new Error(`${item.key}: ${parsed.error.message}`);
    const match = compileMatcher(parsed.ast);
    const inMemory = r.body.events.filter((e) => match(e)).length;
    const [run] = (await h.history(alertOf(item.key))).slice(-1);
    expect({ key: item.key, count: inMemory }).toEqual({ key: item.key, count: run!.matched! + (item.key === 'site-quiet' ? 1 : 0) });
  }
});

test('a burst of ten failed logins in a minute fires the burst alert; a silent router fires site-quiet', async () => {
  await h.ingest(Array.from({ length: 10 }, (_, i) => `Login unsuccessful, attempt #${i + 1}, username: admin`));
  await h.tick(600_000);
  expect((await h.history(alertOf('failed-login-burst')))[0]).toMatchObject({ matched: 10, fired: true });
  expect((await h.history(alertOf('site-quiet')))[0]).toMatchObject({ matched: 0, fired: true });
});

test('driftwood alerts starter --email works on the data directory and adds nothing when run twice', async () => {
  const dir = tmpDir();
  try {
    const env = { DRIFTWOOD_DATA_DIR: dir.path };
    const first = await runCli(['alerts', 'starter', '--email', 'oncall@example.com'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Starter pack: ${STARTER_PACK.length} alerts created, 0 already present.`);
    expect(first.stdout).toMatch(/created +alert \d+ on search \d+ "Failed logins" every 1m/);
    expect(first.stdout).toContain('(disabled until Heroku router lines arrive: enable it then)');
    const second = await runCli(['alerts', 'starter', '--email', 'oncall@example.com'], env);
    expect(second.stdout).toContain(`Starter pack: 0 alerts created, ${STARTER_PACK.length} already present.`);
    const list = await runCli(['alerts', 'list'], env);
    expect(list.stdout.trim().split('\n')).toHaveLength(STARTER_PACK.length);
    const bad = await runCli(['alerts', 'starter'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('alerts starter needs --email ADDRESS');
  } finally {
    dir.cleanup();
  }
}, 60_000);
