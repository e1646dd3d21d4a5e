// Since day/0009 a new day file indexes each event under its position in the day (1, 2, 3 … in
// commit order) instead of its id, which makes the index less than half as big (docs/BENCHMARKS.md,
// "Disk"). Day files written before keep their id rowids: a data directory from an older version
// holds both kinds side by side, and every reader must treat them alike.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { parse } from '../../shared/query/parse.ts';
import { openReadOnly } from '../../server/store/db.ts';
import { EventWriter } from '../../server/store/events.ts';
import { openStore, type NewEvent, type Store } from '../../server/store/index.ts';
import { redactEvents } from '../../server/store/redact.ts';
import { verifyStore } from '../../server/store/verify.ts';
import { oldDayFile } from '../helpers/old-day-file.ts';
import { tmpDir } from '../helpers/tmp.ts';

let dir: ReturnType<typeof tmpDir>;
beforeEach(() => (dir = tmpDir()));
afterEach(() => dir.cleanup());

const DAY_MS = 86_400_000;
const NEW_DAY = '2026-05-30';
const noon = (day: string) => Date.parse(`${day}T12:00:00Z`);
const event = (message: string, receivedMs: number): NewEvent => ({
  receivedMs, sourceIp: '10.0.0.7', systemName: 'web-7', hostname: 'web-7', program: 'app/web.1',
  severity: 6, facility: 23, generatedAt: null, message, fields: {}, flags: [],
});

function filterOf(s: Store, q: string) {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return s.compile(parsed.ast);
}

/** Every match of `q`, newest first, paged two at a time with max_id as a client does. */
function pagedNewestFirst(s: Store, q: string): string[] {
  const filter = filterOf(s, q);
  const messages: string[] = [];
  let maxId: number | undefined;
  for (;;) {
    const page = s.searcher.page({ filter, maxId, direction: 'newest', limit: 2, deadlineMs: Date.now() + 5000, now: Date.now });
    messages.push(...page.events.map((e) => e.message).reverse());
    if (page.exhausted || page.events.length === 0) return messages;
    maxId = Number(page.events[0]!.id);
  }
}

/** The rowids under which a day's index holds a word. */
function indexRowids(s: Store, day: string, word: string): number[] {
  const db = s.partitions.reader(day)!;
  return db.prepare('SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid').pluck().all(word) as number[];
}

test('a new day file numbers its events 1, 2, 3 … in commit order, and its index holds those positions', () => {
  const s = openStore(dir.path);
  try {
    const t = noon(NEW_DAY);
    s.append([{ events: [event('checkout started', t), event('checkout done', t + 1)] }]);
    // Another writer of the same files (driftwood import, the CLI) continues the numbering.
    new EventWriter(s.partitions, s.systems).write([{ events: [event('checkout again', t + 2)] }]);
    s.append([{ events: [event('unrelated', t + 3), event('checkout last', t + 4)] }]);
    const day = openReadOnly(s.partitions.pathOf(NEW_DAY));
    expect(day.prepare('SELECT pos FROM events ORDER BY id').pluck().all()).toEqual([1, 2, 3, 4, 5]);
    day.close();
    expect(indexRowids(s, NEW_DAY, 'checkout')).toEqual([1, 2, 3, 5]);
    expect(pagedNewestFirst(s, 'checkout')).toEqual(['checkout last', 'checkout again', 'checkout done', 'checkout started']);
  } finally {
    s.close();
  }
});

test('a data directory from before day/0009 is searched, counted, charted, redacted and verified alongside new days', () => {
  let s = openStore(dir.path);
  s.systems.resolve('web-7', '10.0.0.7', noon('2026-05-28')); // system 1, as in the old files
  s.close();
  // An index inside the day file (before day/0005), and one in its own file (day/0005 to day/0007).
  const inline = '2026-05-28';
  const ownFile = '2026-05-29';
  const eventsDir = join(dir.path, 'events');
  oldDayFile(4, join(eventsDir, `${inline}.sqlite`), '', [{ id: noon(inline) * 1024, systemId: 1, message: 'checkout in the oldest file' }]);
  oldDayFile(7, join(eventsDir, `${ownFile}.sqlite`), join(eventsDir, `${ownFile}.fts.sqlite`), [
    { id: noon(ownFile) * 1024, systemId: 1, message: 'checkout before the upgrade' },
    { id: (noon(ownFile) + 1) * 1024, systemId: 1, message: 'secret token=abc123 before the upgrade' },
  ]);

  s = openStore(dir.path);
  try {
    // After the upgrade, the old files go on receiving (late) events in their own layout.
    const [oldest, late] = s.append([
      { events: [event('checkout late for the oldest file', noon(inline) + 5)] },
      { events: [event('checkout after the upgrade', noon(ownFile) + 5)] },
      { events: [event('checkout on a new day', noon(NEW_DAY)), event('secret token=abc123 on a new day', noon(NEW_DAY) + 1)] },
    ]);
    // Committed, not yet indexed: read directly (store/unindexed.ts).
    new EventWriter(s.partitions, s.systems).write([{ events: [event('checkout not indexed yet', noon(NEW_DAY) + 2)] }]);

    expect(indexRowids(s, inline, 'checkout')).toEqual([noon(inline) * 1024, oldest!.lastId!]);
    expect(indexRowids(s, ownFile, 'checkout')).toEqual([noon(ownFile) * 1024, late!.lastId!]);
    expect(indexRowids(s, NEW_DAY, 'checkout')).toEqual([1]);

    const all = [
      'checkout not indexed yet', 'checkout on a new day',
      'checkout after the upgrade', 'checkout before the upgrade',
      'checkout late for the oldest file', 'checkout in the oldest file',
    ];
    expect(pagedNewestFirst(s, 'checkout')).toEqual(all);
    expect(pagedNewestFirst(s, 'checkout -upgrade')).toEqual(all.filter((m) => !m.includes('upgrade')));
    const filter = filterOf(s, 'checkout');
    expect(s.windows.count(filter, 0, s.windows.highestId()).count).toBe(6);
    const chart = s.histogram({ filter, timeOnly: false, minMs: noon(inline) - DAY_MS / 2, maxMs: noon(NEW_DAY) + DAY_MS / 2, buckets: 3, deadlineMs: Date.now() + 5000, now: Date.now });
    expect(chart.buckets.map((b) => b.count)).toEqual([2, 2, 2]);

    const secrets = s.searcher.page({ filter: filterOf(s, 'abc123'), direction: 'newest', limit: 10, deadlineMs: Date.now() + 5000, now: Date.now }).events;
    expect(secrets).toHaveLength(2);
    const redacted = redactEvents(s.partitions, secrets.map((e) => Number(e.id)), { reason: 'leaked token', by: 'test', nowMs: Date.now() });
    expect(redacted.redacted).toHaveLength(2);
    expect(pagedNewestFirst(s, 'abc123')).toEqual([]);
    expect(indexRowids(s, ownFile, 'abc123')).toEqual([]);
    expect(indexRowids(s, NEW_DAY, 'abc123')).toEqual([]);
    expect(pagedNewestFirst(s, 'secret')).toEqual([]); // the whole message is gone from the index, not just the token
    expect(pagedNewestFirst(s, 'redacted')).toHaveLength(2);

    expect(verifyStore(s.partitions).problem).toBeUndefined();
  } finally {
    s.close();
  }
});
