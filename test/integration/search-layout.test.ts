// search.json's opt-in `layout=rows` (the web viewer's pages, read event by event): the same events
// as the default layout, as arrays one to a line, and the viewer's reader (web/src/api/rows-page.ts)
// gives back exactly the events of the default layout. Real syslog over TCP into a real server,
// with messages that would break a careless line format.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SearchResponse } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import { EVENT_ROW_KEYS, eventOfRow, type EventRow } from '../../shared/event-row.ts';
import { plainEvent, readRowsPage, RowEvent } from '../../web/src/api/rows-page.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { sendTcp } from '../helpers/ingest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;

const MESSAGES = [
  'layoutlines plain words',
  'layoutlines "quoted" and \\ backslash, {"id":"1"} inside',
  'layoutlines tab\there, escape \u001b[31mred\u001b[0m',
  'layoutlines line\u2028separator and paragraph\u2029separator, emoji 🚀, accents éà',
];

beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
  await sendTcp(server.syslogPort!, [
    ...MESSAGES.map((m, i) => `<134>1 2026-05-30T16:24:4${i}.000Z web-1 shop - - ${m}\n`),
    // Structured data: stored fields, sent with derived_fields=omit too.
    '<134>1 2026-05-30T16:24:49.000Z web-1 shop 77 ID [meta region="eu"] layoutlines status=200\n',
  ]);
  expect((await api.waitFor('layoutlines', 5)).events).toHaveLength(5);
});
afterAll(() => server.stop());

async function body(params: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${api.url}/api/v1/events/search.json?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${api.token}` } });
  return { status: res.status, text: await res.text() };
}

test('layout=rows sends the envelope and events of the default layout, each event an array on a line of its own', async () => {
  for (const extra of [{}, { derived_fields: 'omit' }, { limit: '2' }, { limit: '2', min_id: '0' }] as Record<string, string>[]) {
    const objects = JSON.parse((await body({ q: 'layoutlines', ...extra })).text) as SearchResponse;
    const rows = await body({ q: 'layoutlines', ...extra, layout: 'rows' });
    expect(rows.status).toBe(200);
    const { events, ...envelope } = JSON.parse(rows.text) as { events: EventRow[] };
    const { events: expected, ...expectedEnvelope } = objects;
    expect(envelope).toEqual(expectedEnvelope);
    expect(events.map(eventOfRow)).toEqual(expected);
    // Every key of the default layout's events is in a row, or derived from one.
    expect(Object.keys(expected[0]!).filter((k) => !(EVENT_ROW_KEYS as readonly string[]).includes(k))).toEqual(['display_received_at']);
    const lines = rows.text.split('\n');
    expect(lines[0]).toMatch(/^\{"min_id":.*"events":\[$/);
    expect(lines.at(-1)).toBe(']}');
    expect(lines.slice(1, -1).map((r) => eventOfRow(JSON.parse(r.replace(/,$/, '')) as EventRow))).toEqual(expected);
  }
  // A third fewer bytes than the default layout.
  const [objectsBytes, rowsBytes] = await Promise.all([body({ q: 'layoutlines' }), body({ q: 'layoutlines', layout: 'rows' })]).then((r) => r.map((x) => x.text.length));
  expect(rowsBytes).toBeLessThan(objectsBytes * 0.8);
});

test('the viewer reads a rows page to exactly the events and envelope of the default layout', async () => {
  const expected = JSON.parse((await body({ q: 'layoutlines', derived_fields: 'omit' })).text) as SearchResponse;
  const page = readRowsPage((await body({ q: 'layoutlines', derived_fields: 'omit', layout: 'rows' })).text);
  expect(page.events.every((e) => e instanceof RowEvent)).toBe(true);
  // Ids are known before anything else is read; then every field reads as the default layout has it.
  expect(page.events.map((e) => e.id)).toEqual(expected.events.map((e) => e.id));
  const fieldsRead = (e: Event) => ({
    id: e.id, received_at: e.received_at, generated_at: e.generated_at, display_received_at: e.display_received_at, source_ip: e.source_ip, source_id: e.source_id,
    source_name: e.source_name, hostname: e.hostname, program: e.program, severity: e.severity, facility: e.facility, message: e.message, fields: e.fields, flags: e.flags,
  });
  expect(page.events.map(fieldsRead)).toEqual(expected.events);
  expect(page.events.map((e) => e.message)).toEqual([...MESSAGES, 'layoutlines status=200']);
  expect(page.events.at(-1)!.fields).toEqual({ procid: '77', msgid: 'ID', region: 'eu' });
  // What the details panel spreads and shows as JSON: the default layout's text, keys in order.
  expect(page.events.map((e) => JSON.stringify({ ...plainEvent(e) }))).toEqual(expected.events.map((e) => JSON.stringify(e)));
  expect(JSON.stringify(page.events)).toBe(JSON.stringify(expected.events));
  const { events: _, ...envelope } = page;
  const { events: __, ...expectedEnvelope } = expected;
  expect(envelope).toEqual(expectedEnvelope);
});

test('an empty page in the rows layout reads as an empty page; a body in another layout is an error', async () => {
  const empty = await body({ q: 'nosuchwordanywhere', layout: 'rows' });
  expect(readRowsPage(empty.text)).toEqual(JSON.parse(empty.text));
  expect(readRowsPage(empty.text)).toMatchObject({ events: [], reached_beginning: true });
  const objects = await body({ q: 'layoutlines' });
  expect(() => readRowsPage(objects.text)).toThrow(/did not answer in the rows layout/);
});

test('an unknown layout is a 400 that names the parameter', async () => {
  const { status, text } = await body({ q: 'layoutlines', layout: 'lines' });
  expect(status).toBe(400);
  expect(JSON.parse(text).message).toMatch(/layout: "lines" is not objects or rows/);
});
