// Senders' quirks over real sockets: what network gear, netcat and odd syslog senders really send.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Event } from '../../shared/event.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { sendTcp, sendUdp } from '../helpers/ingest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
});

afterAll(() => server.stop());

/** Every event a syslog sender caused (the server's own security events left out). */
async function senderEvents(): Promise<Event[]> {
  return (await api.search('-sender:driftwood', { limit: '1000' })).events;
}

test('a syslog sender whose host is called `host` is that system, not Heroku, over UDP and TCP', async () => {
  await sendUdp(server.syslogPort!, ['<13>1 2025-03-15T11:59:58Z host app - - - -']);
  await sendTcp(server.syslogPort!, ['<14>1 2025-03-15T11:59:59Z host heroku router - - at=info via tcp\n']);
  const r = await api.waitFor('sender:host', 2);
  expect(r.events.map((e) => [e.source_name, e.hostname, e.program, e.message, e.fields.procid, e.flags])).toEqual([
    ['host', 'host', 'app', '-', undefined, []],
    ['host', 'host', 'heroku', 'at=info via tcp', 'router', []],
  ]);
});

test('through an HTTPS drain, a text/plain line with Heroku\'s `host app` header is still Heroku\'s', async () => {
  const drain = server.store.drains.create('plain-app', Date.now());
  const res = await fetch(`${server.url}/drains/${drain.token}`, {
    method: 'POST', headers: { 'content-type': 'text/plain' },
    body: '<190>1 2026-05-30T16:24:40Z host app web.2 - [x] plain-drain line\n',
  });
  expect(res.status).toBe(204);
  const [e] = (await api.waitFor('plain-drain', 1)).events;
  expect(e).toMatchObject({ source_name: 'plain-app', program: 'app/web.2', message: '[x] plain-drain line' });
});

test('a Heroku syslog drain (its token in HOSTNAME) over TCP is Heroku: the drain names the system', async () => {
  const drain = server.store.drains.create('shop', Date.now());
  await sendTcp(server.syslogPort!, [
    `<158>1 2026-05-30T16:24:40Z ${drain.token} heroku router - at=info path="/tcp-drain" status=200\n`,
    `<190>1 2026-05-30T16:24:41Z ${drain.token} app web.1 - [x] tcp-drain app line\n`,
  ]);
  const r = await api.waitFor('tcp-drain', 2);
  expect(r.events.map((e) => [e.source_name, e.hostname, e.program, e.message])).toEqual([
    ['shop', 'shop', 'heroku/router', 'at=info path="/tcp-drain" status=200'],
    ['shop', 'shop', 'app/web.1', '[x] tcp-drain app line'],
  ]);
});

test('Cisco IOS and ASA lines keep their mnemonic in the message and are not flagged', async () => {
  await sendUdp(server.syslogPort!, [
    '<189>123: *Mar  1 00:00:15.123: %SYS-5-CONFIG_I: Configured from console by console',
    '<187>4567: router-1: Mar 15 11:22:33.456 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down',
  ]);
  await sendTcp(server.syslogPort!, ['<166>%ASA-4-106023: Deny tcp src outside:10.0.0.1/1234 dst inside:10.0.0.2/80 by access-group "outside_in"\n']);
  const r = await api.waitFor('program:(SYS LINK ASA)', 3);
  const byProgram = Object.fromEntries(r.events.map((e) => [e.program, e]));
  expect(byProgram.SYS).toMatchObject({ source_name: '127.0.0.1', hostname: '127.0.0.1', severity: 'Notice', facility: 'Local7', message: '%SYS-5-CONFIG_I: Configured from console by console', fields: { seq: '123' }, flags: [] });
  expect(byProgram.LINK).toMatchObject({ source_name: 'router-1', severity: 'Error', generated_at: expect.stringMatching(/-03-15T11:22:33\.456Z$/), fields: { seq: '4567' }, flags: [] });
  expect(byProgram.ASA).toMatchObject({ source_name: '127.0.0.1', message: expect.stringMatching(/^%ASA-4-106023: Deny tcp/), flags: [] });
  // What operators search for: the mnemonic.
  expect((await api.search('"LINK-3-UPDOWN"')).events.map((e) => e.program)).toEqual(['LINK']);
});

test('netcat text without PRI is an ordinary event; blank datagrams and lines store nothing', async () => {
  const before = (await senderEvents()).length;
  await sendUdp(server.syslogPort!, ['', ' \r\n', 'netcat says hello over udp']);
  await sendTcp(server.syslogPort!, ['\n', '  \n', 'netcat says hello over tcp\n', '\r\n<14>May 30 16:24:40 web-9 app: after a blank line\n']);
  await api.waitFor('"after a blank line"', 1);
  await api.waitFor('"netcat says hello over udp"', 1);
  const events = (await senderEvents()).slice(before);
  expect(events.map((e) => [e.message, e.facility, e.severity, e.flags]).sort()).toEqual([
    ['after a blank line', 'User', 'Info', []],
    ['netcat says hello over tcp', 'User', 'Notice', []],
    ['netcat says hello over udp', 'User', 'Notice', []],
  ]);
});

test('an RFC 5424 header cut short after the MSGID is stored whole, flagged unparsed', async () => {
  const cut = '<13>1 2025-03-15T11:59:58Z cut-host app 1 ID';
  await sendUdp(server.syslogPort!, [cut]);
  const [e] = (await api.waitFor('sender:cut-host', 1)).events;
  expect(e).toMatchObject({ message: cut, program: 'app', flags: ['unparsed'] });
});
