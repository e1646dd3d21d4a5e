// When Driftwood cannot take a batch now, a drain answers 503 (Heroku retries) — never another
// 4xx, which would make Heroku drop the batch — and every batch it answered 204 for is stored.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDb } from '../../server/store/db.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { logplexBody } from '../helpers/ingest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

test('a store held busy by another writer makes drains answer 503, and loses no acknowledged line', async () => {
  const drain = server.store.drains.create('busy', Date.now());
  const url = `${server.url}/drains/${drain.token}`;
  const post = (lines: string[], frameId: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/logplex-1', 'logplex-frame-id': frameId },
      body: logplexBody(lines.map((l) => `<190>1 2026-05-30T16:24:40+00:00 host app web.1 - ${l}\n`)),
    }).then((r) => r.status);
  expect(await post(['pressure warm-up'], 'warm')).toBe(204);

  // Another process holding the day file's write lock: the writer thread waits on it.
  const day = server.store.partitions.days()[0]!;
  const blocker = openDb(server.store.partitions.pathOf(day), 'day');
  blocker.exec('BEGIN IMMEDIATE');
  const batches = Array.from({ length: 800 }, (_, b) => Array.from({ length: 100 }, (_, i) => `pressure b${b} l${i}`));
  const statuses = batches.map((lines, b) => post(lines, `f${b}`));
  await new Promise((r) => setTimeout(r, 3000));
  blocker.exec('COMMIT');
  blocker.close();
  const results = await Promise.all(statuses);

  expect(new Set(results)).toEqual(new Set([204, 503]));
  const acknowledged = batches.filter((_, b) => results[b] === 204).flat();
  const stored = new Set<string>();
  let maxId: string | undefined;
  for (;;) {
    const page = await api.search('pressure', { limit: '10000', ...(maxId ? { max_id: maxId } : {}) });
    for (const e of page.events) stored.add(e.message);
    if (page.reached_beginning || !page.events.length) break;
    maxId = page.min_id;
  }
  expect(acknowledged.filter((l) => !stored.has(l))).toEqual([]);
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } })).text();
  expect(metrics).toMatch(/driftwood_drain_backpressure_total \d+/);
}, 60_000);

test('64 KB lines fill the queue by size long before its event count: 503, and nothing acknowledged is lost', async () => {
  const drain = server.store.drains.create('big-lines', Date.now());
  const url = `${server.url}/drains/${drain.token}`;
  const big = 'x'.repeat(60_000);
  const post = (b: number) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/logplex-1' },
      body: logplexBody(Array.from({ length: 20 }, (_, i) => `<190>1 2026-05-30T16:24:40+00:00 host app web.1 - bigline b${b} l${i} ${big}\n`)),
    }).then((r) => r.status);
  expect(await post(-1)).toBe(204);

  const day = server.store.partitions.days()[0]!;
  const blocker = openDb(server.store.partitions.pathOf(day), 'day');
  blocker.exec('BEGIN IMMEDIATE');
  // 40 × 20 lines = 800 events, far under the 10,000-event mark, but 48 MB of messages.
  const statuses: Promise<number>[] = [];
  for (let b = 0; b < 40; b++) {
    statuses.push(post(b));
    await new Promise((r) => setTimeout(r, 20)); // in order, so the queue fills before the later ones
  }
  await new Promise((r) => setTimeout(r, 1000));
  blocker.exec('COMMIT');
  blocker.close();
  const results = await Promise.all(statuses);
  expect(results.filter((s) => s === 503).length).toBeGreaterThan(0);
  expect(new Set(results)).toEqual(new Set([204, 503]));

  const acknowledged = results.flatMap((s, b) => (s === 204 ? [`b${b}`] : []));
  const page = await api.search('bigline', { limit: '10000' });
  const storedBatches = new Set(page.events.map((e) => /bigline (b-?\d+)/.exec(e.message)![1]));
  expect(acknowledged.filter((b) => !storedBatches.has(b))).toEqual([]);
}, 60_000);
