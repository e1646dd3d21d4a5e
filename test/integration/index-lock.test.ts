// A day's index file is written by one thread (the indexer), in transactions that can last a while
// under load (FTS5 merges). Opening the day for reading (a search, the alerts' counting ahead, a
// reader the LRU let go) must not need that write lock: it used to set the index file's
// auto-vacuum mode on every open, a write transaction, which waited behind the indexer for up to
// the 5 s busy timeout (the main thread blocked) and then failed with "database is locked".
import { afterEach, expect, test } from 'vitest';
import { parse } from '../../shared/query/index.ts';
import { openDb } from '../../server/store/db.ts';
import { openStore, type NewEvent } from '../../server/store/index.ts';
import { dayOf } from '../../server/store/partitions.ts';
import { tmpDir } from '../helpers/tmp.ts';

const dir = tmpDir();
afterEach(() => dir.cleanup());

const event = (i: number): NewEvent => ({
  receivedMs: Date.now(), sourceIp: '10.0.0.9', systemName: 'web-9', hostname: 'web-9', program: 'app/web.1',
  severity: 6, facility: 23, generatedAt: null, message: `lockcheck line ${i}`, fields: {}, flags: [],
});

test('a search opens a day and is answered while the indexer holds the write lock of its index file', () => {
  const writing = openStore(dir.path);
  writing.append([{ events: Array.from({ length: 50 }, (_, i) => event(i)) }]);
  const day = dayOf(Date.now());
  const indexPath = writing.partitions.indexPathOf(day);
  writing.close();

  // The indexer, mid-transaction on the index file.
  const indexer = openDb(indexPath, 'fts');
  indexer.prepare('BEGIN IMMEDIATE').run();
  const reading = openStore(dir.path);
  try {
    const parsed = parse('lockcheck');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const page = reading.searcher.page({ filter: reading.compile(parsed.ast), direction: 'newest', limit: 100, deadlineMs: Infinity, now: Date.now });
    expect(page.events.map((e) => e.message)).toHaveLength(50);
  } finally {
    reading.close();
    indexer.prepare('ROLLBACK').run();
    indexer.close();
  }
});
