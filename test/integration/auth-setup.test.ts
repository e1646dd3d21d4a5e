// First run: the first admin is created with the one-time code the server prints, only while no
// user exists; or with `driftwood user add EMAIL --admin`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACCOUNT_POLICY } from '../../server/security/login-limiter.ts';
import { openStore } from '../../server/store/index.ts';
import { parse } from '../../shared/query/parse.ts';
import { apiToken } from '../helpers/auth.ts';
import { runCli, spawnServer, startTestServer, type TestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ADMIN = { email: 'first@example.com', password: 'granite lighthouse 808' };

const post = (server: { url: string }, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('POST /api/v1/setup', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  test('works once, only with the printed code, and signs the new admin in', async () => {
    expect(server.setupCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await (await fetch(`${server.url}/api/v1/setup`)).json()).toEqual({ setup_required: true });

    const wrong = await post(server, { ...ADMIN, setup_code: 'AAAA-AAAA' });
    expect(wrong.status).toBe(403);
    const weak = await post(server, { ...ADMIN, password: 'password1234', setup_code: server.setupCode });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { message: string }).message).toBe('password: too common (use a few random words)');

    const ok = await post(server, { ...ADMIN, setup_code: server.setupCode!.toLowerCase() });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ via: 'session', user: { email: ADMIN.email, role: 'admin' }, csrf_token: expect.any(String) });
    const cookie = ok.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(await (await fetch(`${server.url}/api/v1/session`, { headers: { cookie } })).json()).toMatchObject({ user: { role: 'admin' } });

    expect((await post(server, { ...ADMIN, email: 'second@example.com', setup_code: server.setupCode })).status).toBe(409);
    expect(await (await fetch(`${server.url}/api/v1/setup`)).json()).toEqual({ setup_required: false });

    const token = await apiToken(server.store);
    const search = async () => {
      const res = await fetch(`${server.url}/api/v1/events/search.json?q=setup`, { headers: { 'x-papertrail-token': token } });
      return ((await res.json()) as { events: { message: string }[] }).events.map((e) => e.message);
    };
    await expect.poll(async () => (await search()).length).toBeGreaterThanOrEqual(3);
    const messages = await search();
    expect(messages).toContainEqual(expect.stringMatching(/^action=setup outcome=failure user="setup code" ip=\S+ reason="wrong setup code" attempt=1/));
    expect(messages).toContainEqual(`action=setup outcome=success user=${ADMIN.email} ip=127.0.0.1`);
    expect(messages.join('\n')).not.toContain(server.setupCode);
  });
});

test('a server with users has no setup code, and setup answers 409', async () => {
  const dir = tmpDir();
  try {
    const first = await startTestServer({ dataDir: dir.path });
    await post(first, { ...ADMIN, setup_code: first.setupCode });
    await first.stop();
    const second = await startTestServer({ dataDir: dir.path });
    try {
      expect(second.setupCode).toBeUndefined();
      expect((await post(second, { ...ADMIN, setup_code: 'ANYT-HING' })).status).toBe(409);
    } finally {
      await second.stop();
    }
  } finally {
    dir.cleanup();
  }
});

test('guessing the setup code from many addresses locks setup for everyone', async () => {
  let now = Date.now();
  const server = await startTestServer({ env: { DRIFTWOOD_TRUST_PROXY: '1' }, now: () => now });
  try {
    const answers: number[] = [];
    for (let i = 0; answers.length < 30; i++) {
      const res = await post(server, { ...ADMIN, setup_code: `GUES-${String(i).padStart(4, '0')}` }, { 'x-forwarded-for': `192.0.2.${i}` });
      answers.push(res.status);
      if (res.status === 429 && Number(res.headers.get('retry-after')) >= ACCOUNT_POLICY.lockoutMs / 1000) break;
      if (res.status === 429) now += Number(res.headers.get('retry-after')) * 1000;
    }
    expect(answers.filter((s) => s === 403)).toHaveLength(ACCOUNT_POLICY.lockoutFailures);
    // Even the right code waits out the lockout.
    expect((await post(server, { ...ADMIN, setup_code: server.setupCode }, { 'x-forwarded-for': '192.0.2.250' })).status).toBe(429);
    await expect.poll(() => server.logs.some((l) => /action=lockout outcome=denied user="setup code" .*of=setup/.test(l))).toBe(true);
  } finally {
    await server.stop();
  }
});

test('`driftwood serve` prints the setup URL and code, and `user add --admin` also closes setup', async () => {
  const dir = tmpDir();
  const env = { DRIFTWOOD_DATA_DIR: dir.path, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: '0', DRIFTWOOD_SYSLOG_PORT: '0' };
  const { child, url, output } = await spawnServer(env);
  try {
    await expect.poll(output).toMatch(/Open http:\/\/\S+\/setup and use code [0-9A-Z]{4}-[0-9A-Z]{4}, or run:\n\s+npm run driftwood -- user add you@example.com --admin --password-stdin/);
    const added = await runCli(['user', 'add', ADMIN.email, '--admin', '--password-stdin'], env, `${ADMIN.password}\n`);
    expect(added).toMatchObject({ code: 0, stdout: `User ${ADMIN.email} (admin) created.\n` });
    const code = /use code (\S+),/.exec(output())![1]!;
    expect((await post({ url }, { ...ADMIN, setup_code: code })).status).toBe(409);
    const signIn = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(signIn.status).toBe(200);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    dir.cleanup();
  }
});

test('`driftwood user add` without --password-stdin refuses a non-terminal stdin, and checks the policy', async () => {
  const dir = tmpDir();
  try {
    const env = { DRIFTWOOD_DATA_DIR: dir.path };
    const noTty = await runCli(['user', 'add', 'a@example.com'], env);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('stdin is not a terminal: pipe the password in with --password-stdin');
    const weak = await runCli(['user', 'add', 'a@example.com', '--password-stdin'], env, 'short\n');
    expect(weak).toMatchObject({ code: 1, stderr: 'driftwood: password: at least 12 characters\n' });
    const member = await runCli(['user', 'add', 'a@example.com', '--password-stdin'], env, 'quiet meadow 4711\n');
    expect(member.stdout).toBe('User a@example.com (member) created.\n');
    const passwd = await runCli(['user', 'passwd', 'a@example.com', '--password-stdin'], env, 'louder meadow 4712\n');
    expect(passwd.stdout).toBe('Password of a@example.com changed; 0 session(s) signed out.\n');
    const list = await runCli(['user', 'list'], env);
    expect(list.stdout).toMatch(/^1\ta@example.com\tmember\tcreated \S+\n$/);
    expect(member.stderr + passwd.stderr).not.toMatch(/meadow/);
    // The CLI's security events are stored like the server's, searchable as driftwood/security.
    const store = openStore(dir.path);
    try {
      const query = parse('program:security');
      if (!query.ok) throw new Error(query.error.message);
      const page = store.searcher.page({ filter: store.compile(query.ast), direction: 'newest', limit: 10, deadlineMs: Infinity, now: Date.now });
      expect(page.events.map((e) => [e.source_name, e.fields.action, e.fields.via])).toEqual([
        ['driftwood', 'user_created', 'cli'],
        ['driftwood', 'password_change', 'cli'],
      ]);
    } finally {
      store.close();
    }
  } finally {
    dir.cleanup();
  }
});
