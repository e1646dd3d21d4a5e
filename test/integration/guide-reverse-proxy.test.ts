// docs/guides/reverse-proxy.md, run in a real nginx and a real Caddy in front of Driftwood
// (DRIFTWOOD_TRUST_PROXY=1, bound to 127.0.0.1): over HTTPS the session cookie is Secure, a
// forged X-Forwarded-For is not believed, the live tail's WebSocket works, and a drain batch
// above nginx's default 1 MB passes; nginx also redirects plain HTTP to HTTPS.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { TailMessage } from '../../shared/api.ts';
import { apiToken, createAdmin } from '../helpers/auth.ts';
import { guideBlock, makeCert } from '../helpers/guides.ts';
import { PROGRAMS, requirePrograms } from '../helpers/programs.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { waitUntil } from '../helpers/tail.ts';
import { tmpDir } from '../helpers/tmp.ts';

interface RunningProxy {
  httpsPort: number;
  /** The CA that signed the proxy's certificate for logs.example.com. */
  ca: Buffer;
  /** Where a problem at start is explained. */
  log: () => string;
  stop(): Promise<void>;
}

/** `output`: the program's stderr (the last 4 KB), to say why it did not start. */
function run(bin: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; output(): string; stop(signal: NodeJS.Signals): Promise<void> } {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => stderr,
    async stop(signal) {
      child.kill(signal);
      await exited;
    },
  };
}

/** nginx with the guide's server block inside a minimal nginx.conf (Debian's includes sites-enabled/ the same way). */
async function startNginx(dir: string, upstreamPort: number, httpPort: number): Promise<RunningProxy> {
  const { cert, key } = makeCert(dir);
  const httpsPort = await freePort();
  const site = guideBlock('reverse-proxy.md', 'nginx-site', {
    'listen 443 ssl': `listen 127.0.0.1:${httpsPort} ssl`,
    'listen 80;': `listen 127.0.0.1:${httpPort};`,
    '/etc/letsencrypt/live/logs.example.com/fullchain.pem': cert,
    '/etc/letsencrypt/live/logs.example.com/privkey.pem': key,
    '127.0.0.1:8080': `127.0.0.1:${upstreamPort}`,
  });
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
  // nginx started as root runs its workers as nobody: they buffer large request bodies in tmp/.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'tmp'), 0o777);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`).join('\n');
  writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\nhttp {\n  access_log off;\n${temp}\n${site}\n}\n`);
  const nginx = run(PROGRAMS.nginx.bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']);
  const log = join(dir, 'logs/error.log');
  return { httpsPort, ca: readFileSync(cert), log: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), stop: () => nginx.stop('SIGQUIT') }; // SIGQUIT: nginx's graceful stop
}

/**
 * Caddy with the guide's Caddyfile. The test's global options keep it off the internet: its own
 * local CA instead of Let's Encrypt, its HTTPS port, loopback only, no admin endpoint.
 */
async function startCaddy(dir: string, upstreamPort: number): Promise<RunningProxy> {
  const httpsPort = await freePort();
  const site = guideBlock('reverse-proxy.md', 'caddy-site', { '127.0.0.1:8080': `127.0.0.1:${upstreamPort}` });
  const global = `{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tauto_https disable_redirects\n\thttps_port ${httpsPort}\n\tdefault_bind 127.0.0.1\n\tstorage file_system ${dir}/data\n}\n`;
  writeFileSync(join(dir, 'Caddyfile'), global + site);
  let spawnError = '';
  const caddy = run(PROGRAMS.caddy.bin, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir });
  caddy.child.on('error', (e) => (spawnError += e.message));
  const root = join(dir, 'data/pki/authorities/local/root.crt');
  await waitUntil('Caddy\'s local CA', () => existsSync(root) || caddy.child.exitCode !== null, 30_000);
  return { httpsPort, ca: existsSync(root) ? readFileSync(root) : Buffer.alloc(0), log: () => spawnError + caddy.output(), stop: () => caddy.stop('SIGTERM') };
}

/** An HTTPS request through the proxy, checking its certificate against its CA as logs.example.com. */
function request(proxy: RunningProxy, method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: proxy.httpsPort, servername: 'logs.example.com', ca: proxy.ca, method, path, headers: { host: 'logs.example.com', ...opts.headers } };
    const req = https.request(options, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The checks every proxy of the guide must pass; returns the proxy for checks of its own. */
function proxyChecks(name: 'nginx' | 'caddy', start: (dir: string, upstreamPort: number) => Promise<RunningProxy>) {
  const { test, available } = requirePrograms(import.meta.url, name);
  const dir = tmpDir();
  const h = {} as { server: TestServer; proxy: RunningProxy };
  beforeAll(async () => {
    if (!available) return;
    h.server = await startTestServer({ env: { DRIFTWOOD_TRUST_PROXY: '1' } });
    h.proxy = await start(dir.path, h.server.httpPort);
    // 30 s: on a loaded machine Caddy takes seconds to make its CA and the site's certificate.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const last = await request(h.proxy, 'GET', '/healthz').then((r) => `HTTP ${r.status}`, (e: Error) => e.message);
      if (last === 'HTTP 200') break;
      if (Date.now() > deadline) throw new Error(`${name} did not start (the last request: ${last}): ${h.proxy.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(async () => {
    await h.proxy?.stop();
    await h.server?.stop();
    dir.cleanup();
  });

  test('signing in through the proxy sets a Secure session cookie (X-Forwarded-Proto is trusted)', async () => {
    const { email, password } = await createAdmin(h.server.store);
    const r = await request(h.proxy, 'POST', '/api/v1/session', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(/;\s*Secure/i);
  });

  test('a client\'s forged X-Forwarded-For is replaced by its real address in security events', async () => {
    const r = await request(h.proxy, 'POST', '/api/v1/session', { headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password at all' }) });
    expect(r.status).toBe(401);
    const token = await apiToken(h.server.store);
    let events: { fields: Record<string, string> }[] = [];
    const deadline = Date.now() + 10_000;
    while (events.length === 0 && Date.now() < deadline) {
      const res = await request(h.proxy, 'GET', `/api/v1/events/search.json?q=${encodeURIComponent('program:security "nobody@example.com"')}`, { headers: { authorization: `Bearer ${token}` } });
      events = JSON.parse(res.body).events;
    }
    expect(events[0]!.fields.ip).toBe('127.0.0.1');
  });

  test('the live tail\'s WebSocket works through the proxy, and a drain batch above 1 MB passes', async () => {
    const token = await apiToken(h.server.store);
    const drain = h.server.store.drains.create(`via-${name}`, Date.now());
    const q = `sender:via-${name} "arrived through the proxy"`;
    const options = { ca: h.proxy.ca, servername: 'logs.example.com', headers: { authorization: `Bearer ${token}`, host: 'logs.example.com' } };
    const ws = new WebSocket(`wss://127.0.0.1:${h.proxy.httpsPort}/api/v1/tail?q=${encodeURIComponent(q)}`, options as WebSocket.ClientOptions);
    const messages: TailMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as TailMessage));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    try {
      await waitUntil('the tail to go live', () => messages.some((m) => m.type === 'live'));
      const filler = Array.from({ length: 12_000 }, (_, i) => `filler line ${i} ${'x'.repeat(100)}`); // ~1.3 MB
      const r = await request(h.proxy, 'POST', `/drains/${drain.token}`, { headers: { 'content-type': 'text/plain' }, body: [...filler, 'arrived through the proxy'].join('\n') });
      expect(r.status).toBe(204);
      await waitUntil('the line on the tail', () => messages.some((m) => m.type === 'events' && m.events.some((e) => e.message === 'arrived through the proxy')));
    } finally {
      ws.close();
    }
  });
  return test;
}

describe('nginx', () => {
  let httpPort = 0;
  const test = proxyChecks('nginx', async (dir, upstream) => startNginx(dir, upstream, (httpPort = await freePort())));

  test('plain HTTP is redirected to HTTPS', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ host: '127.0.0.1', port: httpPort, path: '/events?q=H12', headers: { host: 'logs.example.com' } }, resolve).on('error', reject));
    res.resume();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('https://logs.example.com/events?q=H12');
  });
});

describe('Caddy', () => {
  proxyChecks('caddy', startCaddy);
});
