// docs/guides/reverse-proxy.md, run in a real nginx in front of Driftwood (DRIFTWOOD_TRUST_PROXY=1,
// bound to 127.0.0.1): over HTTPS the session cookie is Secure, a forged X-Forwarded-For is not
// believed, the live tail's WebSocket works, a drain batch above nginx's default 1 MB passes,
// and plain HTTP is redirected to HTTPS.
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TailMessage } from '../../shared/api.ts';
import { apiToken, createAdmin } from '../helpers/auth.ts';
import { guideBlock, makeCert } from '../helpers/guides.ts';
import { PROGRAMS, requirePrograms } from '../helpers/programs.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { waitUntil } from '../helpers/tail.ts';
import { tmpDir } from '../helpers/tmp.ts';

const { test, available } = requirePrograms(import.meta.url, 'nginx');
const dir = tmpDir();
let server: TestServer;
let nginx: ChildProcess | undefined;
let ca: Buffer;
let httpsPort: number;
let httpPort: number;

beforeAll(async () => {
  if (!available) return;
  server = await startTestServer({ env: { DRIFTWOOD_TRUST_PROXY: '1' } });
  const { cert, key } = makeCert(dir.path);
  ca = readFileSync(cert);
  [httpsPort, httpPort] = [await freePort(), await freePort()];
  const site = guideBlock('reverse-proxy.md', 'nginx-site', {
    'listen 443 ssl': `listen 127.0.0.1:${httpsPort} ssl`,
    'listen 80;': `listen 127.0.0.1:${httpPort};`,
    '/etc/letsencrypt/live/logs.example.com/fullchain.pem': cert,
    '/etc/letsencrypt/live/logs.example.com/privkey.pem': key,
    '127.0.0.1:8080': `127.0.0.1:${server.httpPort}`,
  });
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir.path, d));
  // nginx started as root runs its workers as nobody: they buffer large request bodies in tmp/.
  chmodSync(dir.path, 0o755);
  chmodSync(join(dir.path, 'tmp'), 0o777);
  // The rest of a minimal nginx.conf (Debian's main file includes sites-enabled/ the same way).
  writeFileSync(
    join(dir.path, 'nginx.conf'),
    `pid ${dir.path}/nginx.pid;
error_log ${dir.path}/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir.path}/tmp/body;
  proxy_temp_path ${dir.path}/tmp/proxy;
  fastcgi_temp_path ${dir.path}/tmp/fastcgi;
  uwsgi_temp_path ${dir.path}/tmp/uwsgi;
  scgi_temp_path ${dir.path}/tmp/scgi;
${site}
}
`,
  );
  nginx = spawn(PROGRAMS.nginx.bin, ['-p', dir.path, '-c', join(dir.path, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while ((await request('GET', '/healthz').catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`nginx did not start: ${readFileSync(join(dir.path, 'logs/error.log'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);

afterAll(async () => {
  if (nginx) {
    const exited = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGQUIT'); // nginx's graceful shutdown
    await exited;
  }
  await server?.stop();
  dir.cleanup();
});

/** An HTTPS request through nginx, checking its certificate against the test CA as logs.example.com. */
function request(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: httpsPort, servername: 'logs.example.com', ca, method, path, headers: { host: 'logs.example.com', ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

test('signing in through the proxy sets a Secure session cookie (X-Forwarded-Proto is trusted)', async () => {
  const { email, password } = await createAdmin(server.store);
  const r = await request('POST', '/api/v1/session', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(r.status).toBe(200);
  expect(String(r.headers['set-cookie'])).toMatch(/;\s*Secure/i);
});

test('a client\'s forged X-Forwarded-For is replaced by its real address in security events', async () => {
  const r = await request('POST', '/api/v1/session', { headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password at all' }) });
  expect(r.status).toBe(401);
  const token = await apiToken(server.store);
  let events: { fields: Record<string, string> }[] = [];
  const deadline = Date.now() + 10_000;
  while (events.length === 0 && Date.now() < deadline) {
    const res = await request('GET', `/api/v1/events/search.json?q=${encodeURIComponent('program:security "nobody@example.com"')}`, { headers: { authorization: `Bearer ${token}` } });
    events = JSON.parse(res.body).events;
  }
  expect(events[0]!.fields.ip).toBe('127.0.0.1');
});

test('the live tail\'s WebSocket works through the proxy, and a drain batch above 1 MB passes', async () => {
  const token = await apiToken(server.store);
  const drain = server.store.drains.create('via-nginx', Date.now());
  const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/api/v1/tail?q=${encodeURIComponent('sender:via-nginx "through nginx"')}`, { ca, servername: 'logs.example.com', headers: { authorization: `Bearer ${token}`, host: 'logs.example.com' } } as WebSocket.ClientOptions);
  const messages: TailMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as TailMessage));
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  try {
    await waitUntil('the tail to go live', () => messages.some((m) => m.type === 'live'));
    const filler = Array.from({ length: 12_000 }, (_, i) => `filler line ${i} ${'x'.repeat(100)}`); // ~1.3 MB
    const r = await request('POST', `/drains/${drain.token}`, { headers: { 'content-type': 'text/plain' }, body: [...filler, 'arrived through nginx'].join('\n') });
    expect(r.status).toBe(204);
    await waitUntil('the line on the tail', () => messages.some((m) => m.type === 'events' && m.events.some((e) => e.message === 'arrived through nginx')));
  } finally {
    ws.close();
  }
});

test('plain HTTP is redirected to HTTPS', async () => {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ host: '127.0.0.1', port: httpPort, path: '/events?q=H12', headers: { host: 'logs.example.com' } }, resolve).on('error', reject));
  res.resume();
  expect(res.statusCode).toBe(301);
  expect(res.headers.location).toBe('https://logs.example.com/events?q=H12');
});
