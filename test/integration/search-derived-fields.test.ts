// search.json's opt-in `derived_fields=omit` (the web viewer's leaner pages): events leave out the
// fields their message gives, and shared/logfmt.ts fieldsOf rebuilds exactly what the default
// response carries. Real syslog over TCP into a real server.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fieldsOf } from '../../shared/logfmt.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { sendTcp } from '../helpers/ingest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
  await sendTcp(server.syslogPort!, [
    // Structured data, a procid and a msgid (stored), and logfmt pairs in the message (derived);
    // the SD param `status` clashes with the message's and wins (DESIGN 2).
    '<134>1 2026-05-30T16:24:40.431Z web-1 shop 4242 ORDERS [meta region="eu-west" status="503"] leanfields at=info status=200 path="/a b" empty=\n',
    // Only logfmt pairs: nothing stored, so nothing sent.
    '<134>1 2026-05-30T16:24:41.000Z web-1 shop - - leanfields dyno=web.2 service=12ms\n',
    // No fields at all.
    '<134>1 2026-05-30T16:24:42.000Z web-1 shop - - leanfields plain words\n',
  ]);
  expect((await api.waitFor('leanfields', 3)).events).toHaveLength(3);
});
afterAll(() => server.stop());

test('derived_fields=omit leaves out the fields the message gives, and fieldsOf restores exactly the full ones', async () => {
  const full = await api.search('leanfields');
  const lean = await api.search('leanfields', { derived_fields: 'omit' });
  expect(lean.events.map((e) => e.id)).toEqual(full.events.map((e) => e.id));
  expect(lean.events.map((e) => e.fields)).toEqual([{ procid: '4242', msgid: 'ORDERS', region: 'eu-west', status: '503' }, {}, {}]);
  // Everything else in the event is as the default response has it.
  expect(lean.events.map(({ fields: _, ...rest }) => rest)).toEqual(full.events.map(({ fields: _, ...rest }) => rest));
  // The whole set, in the same order, with the stored value winning the clash.
  for (const [i, e] of lean.events.entries()) {
    expect(Object.entries(fieldsOf(e.message, e.fields))).toEqual(Object.entries(full.events[i]!.fields));
  }
  expect(full.events[0]!.fields).toMatchObject({ at: 'info', status: '503', path: '/a b', empty: '', region: 'eu-west' });
  expect(full.events[1]!.fields).toEqual({ dyno: 'web.2', service: '12ms' });
});

test('the default and derived_fields=include send every field, as a Papertrail client expects', async () => {
  const full = await api.search('leanfields');
  const include = await api.search('leanfields', { derived_fields: 'include' });
  expect(include).toEqual(full);
  expect(full.events[1]!.fields).toEqual({ dyno: 'web.2', service: '12ms' });
});

test('an unknown derived_fields value is a 400 that names the parameter', async () => {
  const { status, body } = await api.get<{ message: string }>('/api/v1/events/search.json?q=leanfields&derived_fields=none');
  expect(status).toBe(400);
  expect(body.message).toMatch(/derived_fields: "none" is not include or omit/);
});
