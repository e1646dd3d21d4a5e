// Driftwood's own security log never holds a password, session id or token, and cannot be forged
// with CR/LF/ANSI escapes. A real `driftwood serve` process goes through set-up, sign-ins, failed
// sign-ins, tokens (created, used, revoked, used again), a password change and sign-out; then every
// byte of its data directory and of its stdout/stderr is searched for each secret.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import WebSocket from 'ws';
import { spawnServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('passwords, session ids and tokens appear neither in stored events, the data files, nor the server output', async () => {
  const dir = tmpDir();
  const env = { DRIFTWOOD_DATA_DIR: dir.path, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: '0', DRIFTWOOD_SYSLOG_PORT: '0' };
  const { child, url, output } = await spawnServer(env);
  const secrets: Record<string, string> = {
    password: 'Secret-Passphrase-One-4242',
    newPassword: 'Secret-Passphrase-Two-4343',
    wrongPassword: 'Secret-Wrong-Guess-5151',
    malformedBodyPassword: 'Secret-In-Broken-Json-6161',
  };
  const email = 'owner@example.com';
  const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  try {
    await expect.poll(output).toMatch(/use code \S+,/);
    const setupCode = /use code (\S+),/.exec(output())![1]!;
    const setup = await json('POST', '/api/v1/setup', { email, password: secrets.password, setup_code: setupCode });
    expect(setup.status).toBe(201);

    // Failed sign-ins: wrong password, unknown account, a body that is not JSON.
    expect((await json('POST', '/api/v1/session', { email, password: secrets.wrongPassword })).status).toBe(401);
    expect((await json('POST', '/api/v1/session', { email: 'nobody@example.com', password: secrets.wrongPassword })).status).toBe(401);
    const broken = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"email":"${email}","password":"${secrets.malformedBodyPassword}"` });
    expect(broken.status).toBe(400);
    // A forged log line and terminal escapes in the account name.
    await json('POST', '/api/v1/session', { email: `x@example.com\r\nFORGED action=login outcome=success \u001b[2J`, password: secrets.wrongPassword });

    const signIn = await json('POST', '/api/v1/session', { email, password: secrets.password });
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    secrets.sessionId = cookie.split('=')[1]!;
    const csrf = ((await signIn.json()) as { csrf_token: string }).csrf_token;
    const asSession = { cookie, 'x-csrf-token': csrf };

    const created = await json('POST', '/api/v1/tokens.json', { name: 'scan' }, asSession);
    secrets.token = ((await created.json()) as { id: number; token: string }).token;
    const tokenId = /"id":(\d+)/.exec(JSON.stringify(await (await fetch(`${url}/api/v1/tokens.json`, { headers: { 'x-papertrail-token': secrets.token } })).json()))![1];
    expect((await fetch(`${url}/api/v1/events/search.json?q=x&token=${secrets.token}`, { headers: { authorization: `Bearer ${secrets.token}` } })).status).toBe(200);
    // The token in a WebSocket query string, as the UI's live tail sends it.
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/tail?token=${secrets.token}&q=x`);
      ws.on('open', () => ws.close());
      ws.on('close', () => resolve());
      ws.on('error', () => resolve());
    });
    // An admin token to read the security log with.
    const reader = ((await (await json('POST', '/api/v1/tokens.json', { name: 'reader' }, asSession)).json()) as { token: string }).token;
    secrets.readerToken = reader;

    expect((await json('DELETE', `/api/v1/tokens/${tokenId}.json`, undefined, asSession)).status).toBe(204);
    expect((await fetch(`${url}/api/v1/events/search.json?token=${secrets.token}`, { headers: { 'x-papertrail-token': secrets.token } })).status).toBe(401);
    expect((await json('POST', '/api/v1/password', { current_password: secrets.password, new_password: secrets.newPassword }, asSession)).status).toBe(204);

    // The security log holds what happened…
    const stored = async () => {
      const res = await fetch(`${url}/api/v1/events/search.json?${new URLSearchParams({ q: 'outcome', system_id: 'driftwood', limit: '10000' })}`, { headers: { 'x-papertrail-token': reader } });
      return ((await res.json()) as { events: { message: string; program: string }[] }).events;
    };
    await expect.poll(async () => (await stored()).map((e) => e.message).join('\n')).toContain('action=password_change outcome=success');
    const events = await stored();
    const messages = events.map((e) => e.message);
    for (const action of ['setup', 'login', 'api_token_created', 'api_token_revoked', 'api_token', 'input_validation', 'password_change']) {
      expect(messages.some((m) => m.startsWith(`action=${action} `)), action).toBe(true);
    }
    expect(messages.filter((m) => m.startsWith('action=login outcome=failure'))).toHaveLength(3);
    expect(events.every((e) => e.program === 'security')).toBe(true);
    // …without forged lines or escapes…
    // (account names are compared in lower case, so the forged text is lower-cased too)
    expect(messages.some((m) => /^forged/i.test(m))).toBe(false);
    expect(messages.join('\n')).not.toMatch(/[\r\u001b]/);
    expect(messages.find((m) => m.includes('forged'))).toMatch(/^action=login outcome=failure user="x@example.com\\\\r\\\\nforged action=login outcome=success \\\\x1b\[2j" ip=/);
    // …and without secrets.
    for (const [name, secret] of Object.entries(secrets)) expect(messages.join('\n'), name).not.toContain(secret);

    expect((await json('DELETE', '/api/v1/session', undefined, asSession)).status).toBe(204);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  const out = output();
  expect(out).toMatch(/security action=login outcome=failure/);
  expect(out.split('\n').some((l) => /^forged/i.test(l))).toBe(false);
  expect(out).not.toContain('\u001b');
  for (const [name, secret] of Object.entries(secrets)) expect(out, `server output holds the ${name}`).not.toContain(secret);
  const files = filesUnder(dir.path);
  expect(files.length).toBeGreaterThan(1);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const [name, secret] of Object.entries(secrets)) expect(bytes.includes(secret), `${file} holds the ${name}`).toBe(false);
  }
  dir.cleanup();
});
