// Ingest commits (and acknowledges) rows before they join the full-text index (store/indexer.ts,
// at most a quarter second later in the server, on its own thread). Until then every reader must
// still see them: search pages, alert counts, histograms. Rows a crash left unindexed are indexed
// at start. Since day/0005 a day's index is a file of its own, so indexing never holds the lock
// that ingest commits take; day files from before keep their index inside and keep working.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from '../../shared/query/index.ts';
import { openDb, openReadOnly } from '../../server/store/db.ts';
import { EventWriter } from '../../server/store/events.ts';
import { FtsIndexer } from '../../server/store/indexer.ts';
import { dayOf } from '../../server/store/partitions.ts';
import { indexedThrough } from '../../server/store/unindexed.ts';
import { openStore, type NewEvent, type Store } from '../../server/store/index.ts';
import { oldDayFile } from '../helpers/old-day-file.ts';
import { tmpDir } from '../helpers/tmp.ts';

const dir = tmpDir();
let store: Store;
let writer: EventWriter; // commits without indexing, as the writer thread does
let indexer: FtsIndexer; // as the index thread
beforeAll(() => {
  store = openStore(dir.path);
  writer = new EventWriter(store.partitions, store.systems);
  indexer = new FtsIndexer(store.partitions);
});
afterAll(() => {
  store.close();
  dir.cleanup();
});

const at = Date.now();
const today = dayOf(at);
const event = (message: string, i: number, receivedMs = at): NewEvent => ({
  receivedMs: receivedMs + i, sourceIp: '10.0.0.7', systemName: 'web-7', hostname: 'web-7', program: 'app/web.1',
  severity: 6, facility: 23, generatedAt: null, message, fields: {}, flags: [],
});

function readers(s: Store, q: string, around = at) {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const filter = s.compile(parsed.ast);
  const page = s.searcher.page({ filter, direction: 'newest', limit: 100, deadlineMs: Date.now() + 5000, now: Date.now });
  const histogram = s.histogram({ filter, timeOnly: false, minMs: around - 60_000, maxMs: around + 60_000, buckets: 2, deadlineMs: Date.now() + 5000, now: Date.now });
  return {
    found: page.events.map((e) => e.message),
    counted: s.windows.count(filter, 0, s.windows.highestId()).count,
    histogram: histogram.buckets.reduce((n, b) => n + b.count, 0),
  };
}

test('a new day file keeps its index in a file of its own', () => {
  writer.write([{ events: [event('first of the day', 0)] }]);
  expect(readdirSync(join(dir.path, 'events')).filter((f) => f.endsWith('.sqlite')).sort()).toEqual([`${today}.fts.sqlite`, `${today}.sqlite`]);
  const day = openReadOnly(store.partitions.pathOf(today));
  expect(day.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'events_fts%' OR name = 'fts_progress'").all()).toEqual([]);
  day.close();
  expect(indexer.indexNew([today])).toBe(1);
  expect(readers(store, 'first').found).toEqual(['first of the day']);
});

test('rows above the index mark are found, counted and charted like indexed ones', () => {
  writer.write([{ events: [event('checkout failed code=H12', 1), event('checkout ok', 2), event('login failed', 3)] }]);
  indexer.indexNew([today]);
  writer.write([{ events: [event('checkout failed again', 4), event('payment failed', 5)] }]);
  // Two of the rows are committed and not indexed yet.
  expect(store.windows.highestIndexedId()).toBeLessThan(store.windows.highestId());

  const before = readers(store, 'checkout failed');
  expect(before).toEqual({ found: ['checkout failed code=H12', 'checkout failed again'], counted: 2, histogram: 2 });
  expect(readers(store, 'failed -checkout').found).toEqual(['login failed', 'payment failed']);
  expect(readers(store, 'fail').counted).toBe(4); // a prefix: the index and the direct check agree

  expect(indexer.indexNew([today])).toBe(2);
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  expect(readers(store, 'checkout failed')).toEqual(before);
});

test('ingest commits while an indexing transaction holds the index file', () => {
  const index = store.partitions.indexer(today)!;
  writer.write([{ events: [event('indexed while more arrive', 6)] }]);
  index.exec('BEGIN');
  index.prepare('INSERT INTO events_fts (rowid, program, message) SELECT id, program, message FROM events WHERE id > (SELECT indexed_through FROM fts_progress)').run();
  try {
    // With both in one file this would wait for the lock (busy_timeout) and then fail.
    const [result] = writer.write([{ events: [event('committed meanwhile', 7)] }]);
    expect(result!.ids).toHaveLength(1);
  } finally {
    index.exec('ROLLBACK');
  }
  expect(readers(store, 'meanwhile').found).toEqual(['committed meanwhile']);
  indexer.indexNew([today]);
  expect(readers(store, 'arrive').found).toEqual(['indexed while more arrive']);
});

test('rows left unindexed by a crash are indexed when the next indexer starts', () => {
  writer.write([{ events: [event('orphaned by a crash', 8)] }]);
  expect(store.windows.highestIndexedId()).toBeLessThan(store.windows.highestId());
  // A new indexer (the server's index thread at start) catches up on the newest days.
  new FtsIndexer(store.partitions).indexNew(store.partitions.days().slice(0, 2));
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  expect(readers(store, 'orphaned').found).toEqual(['orphaned by a crash']);
});

test('a word behind colour codes or spelt with the Kelvin sign is found, in rows that carry their text marks and in rows from before them', () => {
  writer.write([{ events: [event('deploy \u001b[1;31mfailed\u001b[0m for zeta', 9), event('\u212Aelvin reading for zeta', 10)] }]);
  // The same texts as rows written before store/codec.ts marked the characters LIKE cannot screen
  // for (their flags 0): events are append-only, so they are added after the others.
  const day = openDb(store.partitions.pathOf(today), 'day', { mustExist: true });
  const last = day.prepare('SELECT max(id) AS id, max(pos) AS pos FROM events').get() as { id: number; pos: number };
  const insert = day.prepare("INSERT INTO events (id, system_id, source_ip, program, pri, message, flags, pos) VALUES (?, 1, '10.0.0.7', 'app/web.1', 190, ?, 0, ?)");
  insert.run(last.id + 1024, 'older deploy \u001b[33mfailed\u001b[0m for zeta', last.pos + 1);
  insert.run(last.id + 2048, 'older \u212Aelvin reading for zeta', last.pos + 2);
  day.close();
  const both = (q: string, found: string[]) => expect(readers(store, q)).toEqual({ found, counted: found.length, histogram: found.length });
  for (const indexed of [false, true]) {
    both('"failed for" zeta', ['deploy \u001b[1;31mfailed\u001b[0m for zeta', 'older deploy \u001b[33mfailed\u001b[0m for zeta']);
    both('kelvin zeta', ['\u212Aelvin reading for zeta', 'older \u212Aelvin reading for zeta']);
    if (!indexed) expect(indexer.indexNew([today])).toBe(4);
  }
  // The marks are the store's own: the events' flags stay as the API defines them.
  const parsed = parse('zeta');
  if (!parsed.ok) throw new Error(parsed.error.message);
  expect(store.searcher.page({ filter: store.compile(parsed.ast), direction: 'newest', limit: 10, deadlineMs: Date.now() + 5000, now: Date.now }).events.map((e) => e.flags)).toEqual([[], [], [], []]);
});

test('a deleted index file is rebuilt from the day file, and searches find everything meanwhile', () => {
  const d = tmpDir();
  try {
    let s = openStore(d.path);
    s.append([{ events: [event('rebuilt from the rows', 0), event('another row', 1)] }]);
    s.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(d.path, 'events', `${today}.fts.sqlite${suffix}`), { force: true });
    s = openStore(d.path);
    try {
      expect(readers(s, 'rebuilt').found).toEqual(['rebuilt from the rows']); // read directly: the new index is empty
      expect(s.windows.highestIndexedId()).toBeLessThan(s.windows.highestId());
      expect(new FtsIndexer(s.partitions).indexNew([today])).toBe(2);
      expect(s.windows.highestIndexedId()).toBe(s.windows.highestId());
      expect(readers(s, 'rebuilt').found).toEqual(['rebuilt from the rows']);
    } finally {
      s.close();
    }
  } finally {
    d.cleanup();
  }
});

/** A day file as day/0001–0004 left it, holding events and its index inside (before day/0005). */
function legacyDayFile(path: string, messages: string[], receivedMs: number): void {
  oldDayFile(4, path, '', messages.map((message, i) => ({ id: (receivedMs + i) * 1024, systemId: 1, message })));
}

test('a day file from before day/0005 keeps its index inside: new rows join it and are found', () => {
  const d = tmpDir();
  const then = Date.parse('2026-05-30T12:00:00Z');
  try {
    let s = openStore(d.path);
    s.systems.resolve('web-7', '10.0.0.7', then); // system 1, as in the old file
    s.close();
    legacyDayFile(join(d.path, 'events', '2026-05-30.sqlite'), ['legacy checkout done'], then);
    s = openStore(d.path);
    try {
      s.append([{ events: [event('newer checkout done', 10, then)] }]);
      expect(existsSync(join(d.path, 'events', '2026-05-30.fts.sqlite'))).toBe(false);
      expect(s.windows.highestIndexedId()).toBe(s.windows.highestId());
      expect(readers(s, 'checkout', then)).toEqual({ found: ['legacy checkout done', 'newer checkout done'], counted: 2, histogram: 2 });
    } finally {
      s.close();
    }
  } finally {
    d.cleanup();
  }
});

test('a day file from before the index mark counts as wholly indexed when read before any writer migrates it', () => {
  const old = tmpDir();
  try {
    legacyDayFile(join(old.path, 'old.sqlite'), ['indexed as it was stored'], at);
    const db = openDb(join(old.path, 'old.sqlite'), 'day'); // the file holds events: its index stays inside
    db.exec('DROP TABLE fts_progress; PRAGMA user_version = 3'); // as day/0001–0003 left it
    db.close();
    const reader = openReadOnly(join(old.path, 'old.sqlite'));
    expect(indexedThrough(reader)).toBe(Number.MAX_SAFE_INTEGER);
    reader.close();
  } finally {
    old.cleanup();
  }
});

test('an index file gives back the pages its merges freed', () => {
  const d = tmpDir();
  try {
    const s = openStore(d.path);
    const w = new EventWriter(s.partitions, s.systems);
    const ix = new FtsIndexer(s.partitions);
    const pages = (db: ReturnType<typeof openReadOnly>) => ({ free: db.pragma('freelist_count', { simple: true }) as number, total: db.pragma('page_count', { simple: true }) as number });
    for (let batch = 0; batch < 10; batch++) {
      w.write([{ events: Array.from({ length: 5000 }, (_, i) => event(`batch ${batch} line ${i} id=${(batch * 7919 + i * 104729).toString(36)}x${i}`, i)) }]);
      ix.indexNew([today]);
    }
    // A merge of every segment into one, as FTS5's automerge does level by level: most pages freed.
    s.partitions.indexer(today)!.exec("INSERT INTO events_fts (events_fts) VALUES ('optimize')");
    const index = openReadOnly(s.partitions.indexPathOf(today));
    expect(index.pragma('auto_vacuum', { simple: true })).toBe(2); // incremental
    const merged = pages(index);
    expect(merged.free).toBeGreaterThan(Math.max(256, 0.2 * merged.total));

    w.write([{ events: [event('after the merge', 0)] }]);
    ix.indexNew([today]);
    const after = pages(index);
    expect(after.free).toBeLessThan(256);
    expect(after.total).toBeLessThan(merged.total - merged.free / 2); // the file shrank
    expect(readers(s, 'merge').found).toEqual(['after the merge']);
    index.close();
    s.close();
  } finally {
    d.cleanup();
  }
});
