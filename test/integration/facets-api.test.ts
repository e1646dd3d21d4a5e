// The viewer's facets sidebar through real HTTP: exact counts over a small set of matches, a sample
// of the newest ones over a large set, scoped by query and time like search.json.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiError, Facet, FacetsResponse } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
const T0 = Date.parse('2026-05-29T10:00:00Z'); // 100 "small" events a second apart
const T1 = T0 + 3_600_000; // then 25,000 "bulk" events, 1 ms apart: more than the sample
const BULK = 25_000;
const SAMPLE = 20_000;

function event(receivedMs: number, systemName: string, program: string, severity: number, message: string, fields: Record<string, string> = {}): NewEvent {
  return { receivedMs, sourceIp: '10.0.0.1', systemName, hostname: systemName, program, severity, facility: 23, generatedAt: null, message, fields, flags: [] };
}

function small(i: number): NewEvent {
  const sd: Record<string, string> = i < 30 ? { 'origin.software': 'rsyslogd' } : {}; // structured data: not in the message
  return event(T0 + i * 1000, i % 4 === 0 ? 'db-1' : 'web-1', i % 2 ? 'app/web.1' : 'heroku/router', i % 10 === 0 ? 3 : 6, `tag=small status=${i % 5 === 0 ? 500 : 200} request_id=req-${i} method=GET`, sd);
}

function bulk(i: number): NewEvent {
  return event(T1 + i, 'worker-1', 'app/worker.1', 6, `bulk shard=${i % 4} age=${i < BULK - SAMPLE ? 'old' : 'new'}`);
}

beforeAll(async () => {
  server = await startTestServer();
  server.store.append([{ events: Array.from({ length: 100 }, (_, i) => small(i)) }]);
  for (let i = 0; i < BULK; i += 5000) server.store.append([{ events: Array.from({ length: 5000 }, (_, k) => bulk(i + k)) }]);
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

async function facets(params: Record<string, string>): Promise<FacetsResponse> {
  const { status, body } = await api.get<FacetsResponse>(`/api/v1/events/facets.json?${new URLSearchParams(params)}`);
  if (status !== 200) throw new Error(`facets ${JSON.stringify(params)}: ${status} ${JSON.stringify(body)}`);
  return body;
}

const byField = (r: FacetsResponse) => Object.fromEntries(r.facets.map((f) => [f.field, f]));
const counts = (f: Facet | undefined) => Object.fromEntries((f?.values ?? []).map((v) => [v.value, v.count]));

describe('exact counts when every match is counted', () => {
  test('the default facets give senders, programs, severities by name, and the common fields', async () => {
    const r = await facets({ q: 'tag=small' });
    expect(r.counted).toBe(100);
    expect(r.sampled).toBe(false);
    const f = byField(r);
    expect(counts(f.sender)).toEqual({ 'web-1': 75, 'db-1': 25 });
    expect(f.sender!.values[0]).toEqual({ value: 'web-1', count: 75 }); // most frequent first
    expect(counts(f.program)).toEqual({ 'app/web.1': 50, 'heroku/router': 50 });
    expect(counts(f.severity)).toEqual({ Info: 90, Error: 10 });
    expect(f.severity!.present).toBe(100);
    // fields.*: the keys present in most events, without request_id (a different value per line);
    // the structured-data key (30 events) comes after the logfmt keys (100 each).
    expect(r.facets.map((x) => x.field)).toEqual(['sender', 'program', 'severity', 'fields.method', 'fields.status', 'fields.tag', 'fields.origin.software']);
    expect(counts(f['fields.status'])).toEqual({ '200': 80, '500': 20 });
    expect(f['fields.origin.software']).toEqual({ field: 'fields.origin.software', values: [{ value: 'rsyslogd', count: 30 }], present: 30 });
  });

  test('named facets come back in the order asked, top N each, ties by value', async () => {
    const r = await facets({ q: 'tag=small', fields: 'fields.request_id,facility,host,fields.absent', top: '3' });
    expect(r.facets.map((x) => x.field)).toEqual(['fields.request_id', 'facility', 'host', 'fields.absent']);
    const f = byField(r);
    expect(f['fields.request_id']!.values).toEqual([
      { value: 'req-0', count: 1 },
      { value: 'req-1', count: 1 },
      { value: 'req-10', count: 1 },
    ]);
    expect(f['fields.request_id']!.present).toBe(100);
    expect(counts(f.facility)).toEqual({ Local7: 100 });
    expect(counts(f.host)).toEqual({ 'web-1': 75, 'db-1': 25 });
    expect(f['fields.absent']).toEqual({ field: 'fields.absent', values: [], present: 0 });
  });

  test('the query and the time range scope the counts as they scope search.json', async () => {
    const errors = await facets({ q: 'tag=small status=500', fields: 'fields.status,severity' });
    expect(errors.counted).toBe(20);
    expect(counts(byField(errors)['fields.status'])).toEqual({ '500': 20 });
    expect(counts(byField(errors).severity)).toEqual({ Error: 10, Info: 10 });

    // min_time inclusive, max_time inclusive of its whole second: events 50 … 59.
    const range = await facets({ min_time: String(T0 / 1000 + 50), max_time: String(T0 / 1000 + 59), fields: 'sender' });
    expect(range.counted).toBe(10);
    expect(range.sampled).toBe(false);
    expect(counts(byField(range).sender)).toEqual({ 'web-1': 8, 'db-1': 2 }); // 52 and 56 are db-1's
    const search = await api.search('', { min_time: String(T0 / 1000 + 50), max_time: String(T0 / 1000 + 59) });
    expect(search.events).toHaveLength(10);

    const system = await facets({ system_id: 'db-1', fields: 'sender' });
    expect(counts(byField(system).sender)).toEqual({ 'db-1': 25 });
  });
});

describe('a sample of the newest matches when there are more', () => {
  test(`more than ${SAMPLE} matches: the newest ${SAMPLE} are counted and the answer says it is a sample`, async () => {
    const r = await facets({ q: 'bulk', fields: 'fields.age,fields.shard,sender' });
    expect(r.sampled).toBe(true);
    expect(r.counted).toBe(SAMPLE);
    const f = byField(r);
    expect(counts(f['fields.age'])).toEqual({ new: SAMPLE }); // the newest, none of the older ones
    expect(counts(f['fields.shard'])).toEqual({ '0': SAMPLE / 4, '1': SAMPLE / 4, '2': SAMPLE / 4, '3': SAMPLE / 4 });
    expect(counts(f.sender)).toEqual({ 'worker-1': SAMPLE });
  });

  test('a range holding fewer matches than the sample is counted whole', async () => {
    const r = await facets({ q: 'bulk', max_time: String(Math.floor((T1 + 9_999) / 1000)), fields: 'fields.age' });
    expect(r.sampled).toBe(false);
    expect(r.counted).toBe(10_000);
    expect(counts(byField(r)['fields.age'])).toEqual({ old: BULK - SAMPLE, new: 10_000 - (BULK - SAMPLE) });
  });
});

describe('bad parameters', () => {
  test.each([
    [{ fields: 'sender,colour' }, /"colour" is not a facet/],
    [{ fields: 'fields.' }, /"fields\." is not a facet/],
    [{ fields: ' , ' }, /at least one facet/],
    [{ top: '0' }, /top/],
    [{ top: '101' }, /top: at most 100/],
    [{ top: 'ten' }, /top: "ten" is not a whole number/],
    [{ min_time: 'yesterday' }, /min_time/],
    [{ q: 'a (b' }, /bad query/],
  ])('%o is a 400 that says what is wrong', async (params, message) => {
    const { status, body } = await api.get<ApiError>(`/api/v1/events/facets.json?${new URLSearchParams(params)}`);
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });

  test('facets need credentials like every API call', async () => {
    const res = await fetch(`${api.url}/api/v1/events/facets.json`);
    expect(res.status).toBe(401);
  });
});
