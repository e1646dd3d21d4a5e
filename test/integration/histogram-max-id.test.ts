// The velocity graph's cut between the server's count and the live tail's: histogram.json with
// max_id counts only the events below it, whichever way the count is made (minutes' kept counts,
// field counts, or rows), so that the viewer, which counts newer events as the tail brings them,
// counts each event once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HistogramResponse } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
const OLDER = 300;
const NEWER = 200;
/** Ids of the older lines (five minutes ago: counted minutes) and of the newer ones (now), oldest first. */
let olderIds: string[];
let newerIds: string[];

const line = (message: string, receivedMs: number): NewEvent => ({ receivedMs, sourceIp: '127.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [] });

beforeAll(async () => {
  server = await startTestServer();
  // Stored first: ids never go back, so lines appended after newer ones would count as received now.
  const fiveMinutesAgo = Date.now() - 5 * 60_000;
  server.store.append([{ events: Array.from({ length: OLDER }, (_, i) => line(`older line ${i} status=200`, fiveMinutesAgo)) }]);
  api = await apiClientFor(server);
  const drain = server.store.drains.create('web', Date.now());
  const res = await fetch(`${api.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Array.from({ length: NEWER }, (_, i) => `newer line ${i} status=500`).join('\n') });
  expect(res.status).toBe(204);
  olderIds = (await api.search('older', { limit: '10000' })).events.map((e) => e.id);
  newerIds = (await api.search('newer', { limit: '10000' })).events.map((e) => e.id);
  expect([olderIds.length, newerIds.length]).toEqual([OLDER, NEWER]);
});
afterAll(() => server.stop());

async function total(params: Record<string, string>): Promise<number> {
  const { status, body } = await api.get<HistogramResponse>(`/api/v1/events/histogram.json?${new URLSearchParams({ min_time: String(Math.floor(Date.now() / 1000) - 86_400), buckets: '96', ...params })}`);
  expect(status).toBe(200);
  return body.buckets.reduce((n, b) => n + b.count, 0);
}

test.each([
  ['a time-only query (minutes\' kept counts)', ''],
  ['a field comparison (field counts)', 'status>=200'],
  ['a word (rows)', 'line'],
])('with max_id inside a counted minute, %s counts only the events below it', async (_, q) => {
  const cut = olderIds[100]!;
  expect(await total({ q, max_id: cut })).toBe(100);
  expect(await total({ q })).toBe(q === '' ? (await api.search('', { limit: '10000' })).events.length : OLDER + NEWER);
});

test('with max_id in the minute in progress, the lines before it in that minute are counted, the rest not', async () => {
  expect(await total({ q: 'line', max_id: newerIds[50]! })).toBe(OLDER + 50);
  expect(await total({ q: 'newer', max_id: newerIds[0]! })).toBe(0);
});

test('a max_id that is not a whole number is refused with a message', async () => {
  const { status, body } = await api.get<{ message: string }>('/api/v1/events/histogram.json?max_id=soon');
  expect(status).toBe(400);
  expect(body.message).toMatch(/max_id/);
});
