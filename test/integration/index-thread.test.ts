// The server's writer and index threads (store/writer.ts): commits are indexed behind the writer,
// and an index thread that dies is replaced, so the rows that searches must read directly (above
// the index mark) do not grow without end. Ingest goes on meanwhile. At start it also looks at
// older days, and rebuilds an index file that is missing.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from '../../shared/query/index.ts';
import { openStore, ThreadedWriter, type NewEvent, type Store } from '../../server/store/index.ts';
import { pack } from '../../server/store/packed.ts';
import { dayOf } from '../../server/store/partitions.ts';
import { indexedThrough } from '../../server/store/unindexed.ts';
import { tmpDir } from '../helpers/tmp.ts';

const dir = tmpDir();
let store: Store;
let threaded: ThreadedWriter;
beforeAll(async () => {
  store = openStore(dir.path);
  threaded = await ThreadedWriter.start(dir.path, store.systems);
});
afterAll(async () => {
  await threaded.close();
  store.close();
  dir.cleanup();
});

const event = (message: string): NewEvent => ({
  receivedMs: Date.now(), sourceIp: '10.0.0.9', systemName: 'web-9', hostname: 'web-9', program: 'app/web.1',
  severity: 6, facility: 23, generatedAt: null, message, fields: {}, flags: [],
});

function found(q: string): string[] {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const page = store.searcher.page({ filter: store.compile(parsed.ast), direction: 'newest', limit: 10, deadlineMs: Date.now() + 5000, now: Date.now });
  return page.events.map((e) => e.message);
}

test('committed rows are indexed by the index thread when asked', async () => {
  await threaded.commit([pack([event('indexed behind the writer')])]);
  await threaded.indexNow();
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  expect(found('behind')).toEqual(['indexed behind the writer']);
});

test('an index thread that dies is replaced, and the new one indexes what was committed meanwhile', async () => {
  const first = threaded.threads.indexer!;
  await first.terminate();
  await threaded.commit([pack([event('committed without an index thread')])]);
  expect(found('without')).toEqual(['committed without an index thread']); // read directly above the mark
  while (!threaded.threads.indexer || threaded.threads.indexer === first) await new Promise((r) => setTimeout(r, 20));
  await threaded.indexNow();
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  await threaded.commit([pack([event('indexed by the new thread')])]);
  await threaded.indexNow();
  expect(store.windows.highestIndexedId()).toBe(store.windows.highestId());
  expect(found('thread')).toEqual(['committed without an index thread', 'indexed by the new thread']);
});

test("an older day's deleted index file is rebuilt by the index thread when the server starts", async () => {
  const d = tmpDir();
  const day = dayOf(Date.now() - 3 * 86_400_000);
  try {
    const before = openStore(d.path);
    before.append([{ events: [{ ...event('three days old'), receivedMs: Date.now() - 3 * 86_400_000 }] }]);
    before.append([{ events: [{ ...event('from yesterday'), receivedMs: Date.now() - 86_400_000 }] }]);
    before.append([{ events: [event('from today')] }]); // the start's catch-up covers these two days
    before.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(d.path, 'events', `${day}.fts.sqlite${suffix}`), { force: true });

    const s = openStore(d.path);
    const t = await ThreadedWriter.start(d.path, s.systems);
    try {
      const db = s.partitions.reader(day)!;
      const maxId = (db.prepare('SELECT max(id) AS id FROM events').get() as { id: number }).id;
      while (indexedThrough(db) < maxId) await new Promise((r) => setTimeout(r, 20));
      expect(indexedThrough(db)).toBe(maxId);
    } finally {
      await t.close();
      s.close();
    }
  } finally {
    d.cleanup();
  }
});
