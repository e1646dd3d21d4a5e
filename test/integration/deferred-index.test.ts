// Ingest commits (and acknowledges) rows before they join the full-text index (store/events.ts
// indexNew, at most a quarter second later in the server). Until then every reader must still see
// them: search pages, alert counts, histograms. Rows a crash left unindexed are indexed at start.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from '../../shared/query/index.ts';
import { join } from 'node:path';
import { openDb, openReadOnly } from '../../server/store/db.ts';
import { EventWriter } from '../../server/store/events.ts';
import { indexedThrough } from '../../server/store/unindexed.ts';
import { openStore, type NewEvent, type Store } from '../../server/store/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

const dir = tmpDir();
let store: Store;
let writer: EventWriter; // a writer that never indexes by itself, as the writer thread between batches
beforeAll(() => {
  store = openStore(dir.path);
  writer = new EventWriter(store.partitions, store.systems);
});
afterAll(() => {
  store.close();
  dir.cleanup();
});

const at = Date.now();
const event = (message: string, i: number): NewEvent => ({
  receivedMs: at + i, sourceIp: '10.0.0.7', systemName: 'web-7', hostname: 'web-7', program: 'app/web.1',
  severity: 6, facility: 23, generatedAt: null, message, fields: {}, flags: [],
});

function filterFor(q: string) {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return store.compile(parsed.ast);
}

function readers(q: string) {
  const filter = filterFor(q);
  const page = store.searcher.page({ filter, direction: 'newest', limit: 100, deadlineMs: Date.now() + 5000, now: Date.now });
  const histogram = store.histogram({ filter, timeOnly: false, minMs: at - 60_000, maxMs: at + 60_000, buckets: 2, deadlineMs: Date.now() + 5000, now: Date.now });
  return {
    found: page.events.map((e) => e.message),
    counted: store.windows.count(filter, 0, store.windows.highestId()).count,
    histogram: histogram.buckets.reduce((n, b) => n + b.count, 0),
  };
}

test('rows above the index mark are found, counted and charted like indexed ones', () => {
  writer.write([{ events: [event('checkout failed code=H12', 0), event('checkout ok', 1), event('login failed', 2)] }]);
  writer.indexNew();
  writer.write([{ events: [event('checkout failed again', 3), event('payment failed', 4)] }]);
  // Two of the five rows are committed and not indexed yet.
  expect(store.windows.highestIndexedId()).toBeLessThan(store.windows.highestId());

  const before = readers('checkout failed');
  expect(before).toEqual({ found: ['checkout failed code=H12', 'checkout failed again'], counted: 2, histogram: 2 });
  expect(readers('failed -checkout').found).toEqual(['login failed', 'payment failed']);
  expect(readers('fail').counted).toBe(4); // a prefix: the index and the direct check agree

  writer.indexNew();
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  expect(readers('checkout failed')).toEqual(before);
});

test('rows left unindexed by a crash are indexed when the next writer starts', () => {
  writer.write([{ events: [event('orphaned by a crash', 5)] }]);
  expect(store.windows.highestIndexedId()).toBeLessThan(store.windows.highestId());
  // A new writer (the server's writer thread at start) catches up on the newest days.
  const next = new EventWriter(store.partitions, store.systems);
  next.indexNew(store.partitions.days().slice(0, 2));
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  expect(readers('orphaned').found).toEqual(['orphaned by a crash']);
});

test('a day file from before the index mark counts as wholly indexed when read before any writer migrates it', () => {
  const old = tmpDir();
  try {
    const db = openDb(join(old.path, 'old.sqlite'), 'day');
    db.exec('DROP TABLE fts_progress; PRAGMA user_version = 3'); // as day/0001–0003 left it
    db.close();
    const reader = openReadOnly(join(old.path, 'old.sqlite'));
    expect(indexedThrough(reader)).toBe(Number.MAX_SAFE_INTEGER);
    reader.close();
  } finally {
    old.cleanup();
  }
});
