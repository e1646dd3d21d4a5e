// Bad input loses nothing: unparseable, oversized, invalid UTF-8 and mis-framed lines are stored
// (flagged), and the server keeps running.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { logplexBody, octetFrame, sendTcp, sendUdp } from '../helpers/ingest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ env: { DRIFTWOOD_MAX_MESSAGE_BYTES: '100' } });
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

test('an unparseable syslog frame is stored raw and flagged unparsed', async () => {
  await sendUdp(server.syslogPort!, ['<999>not really syslog garbagefrag']);
  const [e] = (await api.waitFor('garbagefrag', 1)).events;
  expect(e!.message).toContain('garbagefrag');
  expect(e!.flags).toContain('unparsed');
});

test('an oversized message is truncated at DRIFTWOOD_MAX_MESSAGE_BYTES and flagged', async () => {
  await sendUdp(server.syslogPort!, [`<13>1 2026-05-30T16:24:40Z web-1 app - - - toolong ${'x'.repeat(500)}`]);
  const [e] = (await api.waitFor('toolong', 1)).events;
  expect(Buffer.byteLength(e!.message)).toBeLessThanOrEqual(100);
  expect(e!.flags).toContain('truncated');
});

test('invalid UTF-8 is replaced and flagged', async () => {
  const bytes = Buffer.concat([Buffer.from('<13>1 2026-05-30T16:24:40Z web-1 app - - - badutf '), Buffer.from([0xff, 0xfe, 0x41])]);
  await sendTcp(server.syslogPort!, [Buffer.concat([Buffer.from(`${bytes.length} `), bytes])]);
  const [e] = (await api.waitFor('badutf', 1)).events;
  expect(e!.message).toContain('\uFFFD');
  expect(e!.flags).toContain('invalid_utf8');
});

test('a wrong octet count (loggen declares 100 for 140 bytes) resynchronises at the next frame', async () => {
  const first = '<13>1 2026-05-30T16:24:40Z web-1 loggen - - - resync-one ' + 'y'.repeat(80);
  const second = '<13>1 2026-05-30T16:24:41Z web-1 loggen - - - resync-two';
  await sendTcp(server.syslogPort!, [`100 ${first}${octetFrame(second)}`]);
  const r = await api.waitFor('resync', 2);
  expect(r.events.map((e) => e.message.slice(0, 10))).toEqual(['resync-one', 'resync-two']);
  expect(r.events[0]!.message).toBe(first.slice(first.indexOf('resync-one')));
});

test('bytes after a frame that fit no octet count are kept with that frame, and the reason is logged', async () => {
  const good = octetFrame('<13>1 2026-05-30T16:24:40Z web-1 app - - - framing good');
  await sendTcp(server.syslogPort!, [`${good}99999999999999 framinggarbage no frame start here`]);
  const r = await api.waitFor('framinggarbage', 1);
  expect(r.events.map((e) => e.message)).toEqual(['framing good99999999999999 framinggarbage no frame start here']);
  expect(server.logs.some((l) => /declared \d+ bytes but ran \d+/.test(l))).toBe(true);
});

test('a Logplex-Msg-Count that disagrees with the body stores every frame and says so', async () => {
  const drain = server.store.drains.create('counted', Date.now());
  const body = logplexBody(['<190>1 2026-05-30T16:24:40+00:00 host app web.1 - miscount a\n', '<190>1 2026-05-30T16:24:40+00:00 host app web.1 - miscount b\n']);
  const res = await fetch(`${server.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1', 'logplex-msg-count': '5' }, body });
  expect(res.status).toBe(204);
  expect((await api.search('miscount')).events).toHaveLength(2);
  expect(server.logs.some((l) => /Logplex-Msg-Count says 5, body held 2/.test(l))).toBe(true);
});

test('a malformed logplex body keeps what it cannot frame as a raw event', async () => {
  const drain = server.store.drains.create('malformed', Date.now());
  const body = logplexBody(['<190>1 2026-05-30T16:24:40+00:00 host app web.1 - wellformed frame\n']) + 'brokenframe without length';
  const res = await fetch(`${server.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body });
  expect(res.status).toBe(204);
  expect((await api.search('wellformed')).events).toHaveLength(1);
  expect((await api.search('brokenframe')).events).toHaveLength(1);
});

test('a bad search request gets a 400 with a message that says where', async () => {
  const { status, body } = await api.get<{ message: string }>('/api/v1/events/search.json?q=' + encodeURIComponent('(error OR'));
  expect(status).toBe(400);
  expect(body.message).toMatch(/bad query/);
  const limit = await api.get<{ message: string }>('/api/v1/events/search.json?limit=abc');
  expect(limit.status).toBe(400);
  expect(limit.body.message).toMatch(/limit/);
});

test('the server still answers after all of the above', async () => {
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
});
