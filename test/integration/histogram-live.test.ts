// The velocity graph while lines arrive (issue 11 item 6): a 24 h histogram up to now counts the
// lines of the minute in progress at once, through the real drain, writer and index threads.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HistogramResponse } from '../../shared/api.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
const LINES = 500;
let drainToken: string;

async function post(lines: string[]): Promise<void> {
  const res = await fetch(`${api.url}/drains/${drainToken}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: lines.join('\n') });
  expect(res.status).toBe(204); // committed
}

beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
  drainToken = server.store.drains.create('burst', Date.now()).token;
  await post(Array.from({ length: LINES }, (_, i) => `spike line ${i}`));
});
afterAll(() => server.stop());

async function histogram(params: Record<string, string>): Promise<HistogramResponse> {
  const { status, body } = await api.get<HistogramResponse>(`/api/v1/events/histogram.json?${new URLSearchParams(params)}`);
  expect(status).toBe(200);
  return body;
}

const total = (h: HistogramResponse) => h.buckets.reduce((n, b) => n + b.count, 0);

test.each([['96'], ['1440'], ['1000'], ['7']])('lines just committed are in the last of %s buckets of a 24 h histogram up to now', async (buckets) => {
  const h = await histogram({ min_time: String(Math.floor(Date.now() / 1000) - 86_400), buckets });
  expect(h.buckets).toHaveLength(Number(buckets));
  expect(h.buckets.at(-1)!.count).toBe(LINES);
  expect(total(h)).toBe(LINES);
  expect(h.buckets.at(-1)!.t * 1000).toBeLessThanOrEqual(Date.now());
});

test('with max_time in the middle of a minute, the last bucket counts up to max_time only', async () => {
  const sentAt = Date.parse((await api.search('spike', { limit: '1' })).events[0]!.received_at);
  const before = Math.floor(sentAt / 1000) - 1; // max_time: bounds are [min_time, max_time)
  const h = await histogram({ min_time: String(before - 3600), max_time: String(before), buckets: '60' });
  expect(total(h)).toBe(0);
  const after = Math.floor(sentAt / 1000) + 1;
  const h2 = await histogram({ min_time: String(after - 3600), max_time: String(after), buckets: '60' });
  expect(h2.buckets.at(-1)!.count).toBe(LINES);
});

test('a histogram with a query counts lines the full-text index has not reached yet', async () => {
  // Asked right after the commit: the index thread works behind the commits (250 ms or 10,000 rows).
  await post(Array.from({ length: LINES }, (_, i) => `surge line ${i}`));
  const h = await histogram({ q: 'surge', min_time: String(Math.floor(Date.now() / 1000) - 86_400), buckets: '96' });
  expect(h.buckets.at(-1)!.count).toBe(LINES);
});
