// Each transport end to end: send with a real client, then find the line through the search API.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { logplexBody, octetFrame, sendTcp, sendUdp } from '../helpers/ingest.ts';
import { requirePrograms } from '../helpers/programs.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const withLogger = requirePrograms(import.meta.url, 'logger').test;
let server: TestServer;
let api: ApiClient;
let drainUrl: string;
const certDir = tmpDir();

beforeAll(async () => {
  // A self-signed certificate made for this run, for syslog over TLS (RFC 5425).
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
    '-keyout', join(certDir.path, 'key.pem'), '-out', join(certDir.path, 'cert.pem')], { stdio: 'ignore' });
  server = await startTestServer({ env: { DRIFTWOOD_TLS_CERT: join(certDir.path, 'cert.pem'), DRIFTWOOD_TLS_KEY: join(certDir.path, 'key.pem') } });
  api = await apiClientFor(server);
  const drain = server.store.drains.create('my-app', Date.now());
  drainUrl = `${server.url}/drains/${drain.token}`;
});

afterAll(async () => {
  await server.stop();
  certDir.cleanup();
});

describe('syslog', () => {
  test('a UDP datagram is stored with its host, program and severity', async () => {
    await sendUdp(server.syslogPort!, ['<11>1 2026-05-30T16:24:40.431Z web-1 billing 4242 ID7 - udp card declined']);
    const [e] = (await api.waitFor('"udp card declined"', 1)).events;
    expect(e).toMatchObject({ hostname: 'web-1', source_name: 'web-1', program: 'billing', severity: 'Error', facility: 'User', fields: { procid: '4242', msgid: 'ID7' } });
  });

  test('octet-counted TCP frames split across packets, several in one packet, are each stored once', async () => {
    const a = octetFrame('<14>1 2026-05-30T16:24:40Z web-2 app - - - octet first');
    const b = octetFrame('<14>1 2026-05-30T16:24:41Z web-2 app - - - octet second');
    const c = octetFrame('<14>1 2026-05-30T16:24:42Z web-2 app - - - octet third');
    await sendTcp(server.syslogPort!, [a.slice(0, 10), a.slice(10) + b.slice(0, 3), b.slice(3) + c]);
    const r = await api.waitFor('octet', 3);
    expect(r.events.map((e) => e.message)).toEqual(['octet first', 'octet second', 'octet third']);
  });

  test('newline-framed TCP (RFC 3164 as rsyslog forwards it) is stored per line', async () => {
    await sendTcp(server.syslogPort!, ['<30>May 30 16:24:40 db-1 postgres[812]: newline one\n<30>May 30 16:24:41 db-1 post', 'gres[812]: newline two\n']);
    const r = await api.waitFor('newline', 2);
    expect(r.events.map((e) => [e.hostname, e.program, e.fields.procid, e.message])).toEqual([
      ['db-1', 'postgres', '812', 'newline one'],
      ['db-1', 'postgres', '812', 'newline two'],
    ]);
  });

  test('syslog over TLS with a generated certificate', async () => {
    await sendTcp(server.syslogTlsPort!, [octetFrame('<13>1 2026-05-30T16:24:40Z secure-1 app - - - over tls')], { tls: true });
    const [e] = (await api.waitFor('"over tls"', 1)).events;
    expect(e).toMatchObject({ source_name: 'secure-1', message: 'over tls' });
  });

  test('a multi-byte character split between TCP packets is decoded whole', async () => {
    const frame = Buffer.from(octetFrame('<13>1 2026-05-30T16:24:40Z web-3 app - - - café crème'));
    const cut = frame.indexOf(Buffer.from('é')) + 1; // inside the two bytes of é
    await sendTcp(server.syslogPort!, [frame.subarray(0, cut), frame.subarray(cut)]);
    const [e] = (await api.waitFor('crème', 1)).events;
    expect(e!.message).toBe('café crème');
    expect(e!.flags).toEqual([]);
  });

  withLogger('util-linux logger --tcp --octet-count --rfc5424 reaches the store', async () => {
    execFileSync('logger', ['--tcp', '--octet-count', '--rfc5424', '-n', '127.0.0.1', '-P', String(server.syslogPort), '-t', 'cron-job', 'logger says hi']);
    const [e] = (await api.waitFor('"logger says hi"', 1)).events;
    expect(e).toMatchObject({ program: 'cron-job', message: 'logger says hi' });
  });
});

describe('HTTPS drain', () => {
  const post = (body: string, headers: Record<string, string>) => fetch(drainUrl, { method: 'POST', headers, body });

  test('a Heroku logplex-1 body with several frames is stored with Heroku program names', async () => {
    const body = logplexBody([
      '<190>1 2026-05-30T16:24:40.438+00:00 host app web.1 - Started GET "/drain-test" for 1.2.3.4\n',
      '<158>1 2026-05-30T16:24:40.500+00:00 host heroku router - at=error code=H12 desc="Request timeout" method=GET path="/drain-test" status=503 service=30000ms\n',
      '<190>1 2026-05-30T16:24:40.600+00:00 host app web.1 - [DATABASE] drain-test query ok\n',
    ]);
    const res = await post(body, { 'content-type': 'application/logplex-1', 'logplex-msg-count': '3', 'logplex-frame-id': 'frame-1' });
    expect(res.status).toBe(204);
    const r = await api.search('drain-test');
    expect(r.events.map((e) => [e.source_name, e.hostname, e.program, e.severity])).toEqual([
      ['my-app', 'my-app', 'app/web.1', 'Info'],
      ['my-app', 'my-app', 'heroku/router', 'Error'],
      ['my-app', 'my-app', 'app/web.1', 'Info'],
    ]);
    expect(r.events[1]!.fields).toMatchObject({ code: 'H12', status: '503', syslog_severity: 'Info' });
    expect(r.events[1]!.flags).toContain('severity_inferred');
    expect(r.events[2]!.message).toBe('[DATABASE] drain-test query ok');
  });

  test('a retried batch (same Logplex-Frame-Id) is stored once', async () => {
    const body = logplexBody(['<190>1 2026-05-30T16:24:40+00:00 host app web.1 - retried batch line\n']);
    const headers = { 'content-type': 'application/logplex-1', 'logplex-msg-count': '1', 'logplex-frame-id': 'frame-retry' };
    expect((await post(body, headers)).status).toBe(204);
    expect((await post(body, headers)).status).toBe(204);
    expect((await api.search('"retried batch line"')).events).toHaveLength(1);
  });

  test('the token is also accepted as the Basic-auth password', async () => {
    const { origin, pathname } = new URL(drainUrl);
    const token = pathname.split('/').pop()!;
    const res = await fetch(`${origin}/drains`, {
      method: 'POST',
      headers: { 'content-type': 'application/logplex-1', authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}` },
      body: logplexBody(['<190>1 2026-05-30T16:24:40+00:00 host app web.1 - basic auth line\n']),
    });
    expect(res.status).toBe(204);
    expect((await api.search('"basic auth line"')).events).toHaveLength(1);
  });

  test('text/plain bodies are stored one event per line', async () => {
    const res = await post('plain line one\nERROR plain line two\n', { 'content-type': 'text/plain' });
    expect(res.status).toBe(204);
    const r = await api.search('plain line');
    expect(r.events.map((e) => [e.message, e.severity])).toEqual([
      ['plain line one', 'Info'],
      ['ERROR plain line two', 'Error'],
    ]);
  });

  test('NDJSON objects keep their program, level and extra keys', async () => {
    const res = await post('{"message":"ndjson payment failed","level":"error","program":"billing","order":"A-17"}\n{"message":"ndjson ok"}\n', { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(204);
    const r = await api.search('ndjson');
    expect(r.events.map((e) => [e.message, e.program, e.severity, e.fields.order])).toEqual([
      ['ndjson payment failed', 'billing', 'Error', 'A-17'],
      ['ndjson ok', '', 'Info', undefined],
    ]);
  });

  test('an unknown token gets 401 and a security event', async () => {
    const res = await fetch(`${server.url}/drains/d.00000000-0000-0000-0000-000000000000`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(401);
    const r = await api.waitFor('sender:driftwood program:security drain_token', 1);
    expect(r.events[0]!.message).toMatch(/action=drain_token outcome=denied/);
  });
});

describe('systems', () => {
  test('senders are registered on first sight with name, IP and first/last seen', async () => {
    await sendUdp(server.syslogPort!, ['<13>1 2026-05-30T16:24:40Z brand-new-host app - - - first sight']);
    await api.waitFor('"first sight"', 1);
    const { body } = await api.get<{ name: string; ip: string; first_seen_at: string; last_seen_at: string }[]>('/api/v1/systems.json');
    const sys = body.find((s) => s.name === 'brand-new-host');
    expect(sys).toMatchObject({ ip: '127.0.0.1' });
    expect(Date.parse(sys!.last_seen_at)).toBeGreaterThanOrEqual(Date.parse(sys!.first_seen_at));
  });
});

