// Sealed blocks (issue 13; store/blocks.ts, store/sealer.ts): a day's indexed events move into
// compressed blocks, and nothing a user does with them changes: every event is found, counted,
// redacted, archived and verified as before, an index file is rebuilt from the blocks, a data
// directory written before blocks is sealed once it runs on this version, and kill -9 while
// sealing loses nothing.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { parse } from '../../shared/query/parse.ts';
import { archivePath, writeArchive } from '../../server/store/archive.ts';
import { decodeBlock, encodeBlock } from '../../server/store/block-codec.ts';
import { storedRowsAfter } from '../../server/store/blocks.ts';
import { EventWriter } from '../../server/store/events.ts';
import { FtsIndexer } from '../../server/store/indexer.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { redactEvents } from '../../server/store/redact.ts';
import { sealDay, sealDeferred } from '../../server/store/sealer.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { verifyStore } from '../../server/store/verify.ts';
import { allMessages, apiClientFor } from '../helpers/api.ts';
import { formatOneBlock } from '../helpers/block-format-one.ts';
import { startTestServer } from '../helpers/server.ts';
import { toPerRowSalts } from '../helpers/per-row-salts.ts';
import { tmpDir } from '../helpers/tmp.ts';

const DAY = '2026-05-30';
const NOON = Date.parse(`${DAY}T12:00:00Z`);
const SECRET = 'sk_live_9c1e77aa03';
let dir: ReturnType<typeof tmpDir>;
beforeEach(() => (dir = tmpDir()));
afterEach(() => dir.cleanup());

const line = (i: number) =>
  i % 2 ? `at=info method=GET path="/api/v1/orders/${i}" request_id=req-${i.toString(16)} status=${i % 50 === 1 ? 503 : 200} service=${i % 900}ms` : `order ${i} paid by user ${i * 7} in ${i % 300}ms`;
const event = (i: number, message = line(i), system = `web-${i % 3}`): NewEvent => ({
  receivedMs: NOON + i * 10, sourceIp: '10.0.0.1', systemName: system, hostname: system, program: i % 2 ? 'heroku/router' : 'app/web.1',
  severity: 6, facility: 1, generatedAt: NOON + i * 10 - 3, message, fields: {}, flags: [],
});

/** Writes events committed and indexed, but not sealed (the test seals them itself). */
function writeUnsealed(store: Store, events: NewEvent[]): number[] {
  const ids = new EventWriter(store.partitions, store.systems).write([{ events }])[0]!.ids;
  new FtsIndexer(store.partitions).indexNew([DAY], 0);
  return ids;
}

const sealAll = (store: Store) => sealDay(store.partitions.indexer(DAY)!, { keepLive: 0 });
const all = (store: Store, q = '') => {
  const r = parse(q);
  if (!r.ok) throw new Error(r.error.message);
  return store.searcher.page({ filter: store.compile(r.ast), direction: 'newest', limit: 100_000, deadlineMs: Infinity, now: Date.now }).events;
};
const blocksIn = (store: Store) => store.partitions.reader(DAY)!.prepare('SELECT data FROM blocks ORDER BY block').pluck().all() as Buffer[];

test('sealed events are found, counted and verified as rows were, and take under 0.7 of the bytes of the raw lines', () => {
  const store = openStore(dir.path);
  try {
    const ids = writeUnsealed(store, Array.from({ length: 3000 }, (_, i) => event(i)));
    const before = { all: all(store), router503: all(store, 'program:heroku/router status>=500'), paid: all(store, '"paid by user"'), bytes: store.bytesOnDisk() };
    expect(sealAll(store)).toBe(11); // 2,816 of 3,000 events: the rest fill no block
    expect(all(store)).toEqual(before.all);
    expect(all(store, 'program:heroku/router status>=500')).toEqual(before.router503);
    expect(all(store, '"paid by user"')).toEqual(before.paid);
    expect(store.searcher.byId(ids[7]!)?.message).toBe(line(7));
    expect(store.searcher.context(ids[100]!, 5, 5, Date.now)!.before.events.map((e) => e.message)).toEqual([85, 88, 91, 94, 97].map((i) => line(i)));
    const report = verifyStore(store.partitions);
    expect(report.problem).toBeUndefined();
    expect(report.events).toBe(3000);
    // The rows' pages are free for the next rows; the blocks hold the events in fewer bytes.
    const db = store.partitions.reader(DAY)!;
    const blockBytes = (db.prepare('SELECT sum(length(data)) FROM blocks').pluck().get() as number) / 2816;
    const rawBytes = before.all.reduce((n, e) => n + Buffer.byteLength(e.message), 0) / 3000;
    expect(blockBytes).toBeLessThan(rawBytes * 0.7); // 0.63 on these short lines, salts (16 random bytes a line) included
  } finally {
    store.close();
  }
});

test('verify and the archive read a day of many blocks whose batches start inside blocks', () => {
  const store = openStore(dir.path);
  try {
    const ids = [...writeUnsealed(store, Array.from({ length: 1000 }, (_, i) => event(i))), ...writeUnsealed(store, Array.from({ length: 9000 }, (_, i) => event(1000 + i)))];
    expect(sealAll(store)).toBe(39);
    const report = verifyStore(store.partitions);
    expect(report.problem).toBeUndefined();
    expect([report.batches, report.events]).toEqual([2, 10_000]);
    // Read on from inside a block, 1,000 at a time, as the archive reads (10,000 at a time).
    const read: number[] = [];
    const db = store.partitions.reader(DAY)!;
    for (let rows = storedRowsAfter(db, ids[99]!, 1000); rows.length; rows = storedRowsAfter(db, read.at(-1)!, 1000)) read.push(...rows.map((r) => r[0]));
    expect(read).toEqual(ids.slice(100));
  } finally {
    store.close();
  }
});

test('while another writer holds the day file, the index thread seals nothing and waits for nothing, then seals the same blocks', () => {
  const store = openStore(dir.path);
  const other = new Database(store.partitions.pathOf(DAY));
  try {
    writeUnsealed(store, Array.from({ length: 3000 }, (_, i) => event(i)));
    const want = all(store);
    other.prepare('BEGIN IMMEDIATE').run(); // as the writer thread does in each commit
    // 11 blocks wait, below SEAL_BACKLOG_BLOCKS: no sleep in SQLite's busy handler (its 5 s
    // timeout would end in SQLITE_BUSY), nothing sealed, searches answer meanwhile.
    expect(sealDay(store.partitions.indexer(DAY)!, { keepLive: 0, waitForLock: 'backlog' })).toBe(0);
    expect(sealDeferred(store.partitions.indexer(DAY)!)).toBe(true); // the index thread tries again soon
    expect(all(store)).toEqual(want);
    other.prepare('COMMIT').run();
    expect(sealDay(store.partitions.indexer(DAY)!, { keepLive: 0, waitForLock: 'backlog' })).toBe(11);
    expect(sealDeferred(store.partitions.indexer(DAY)!)).toBe(false);
    expect(blocksIn(store)).toHaveLength(11);
    expect(all(store)).toEqual(want);
    expect(verifyStore(store.partitions).problem).toBeUndefined();
  } finally {
    other.close();
    store.close();
  }
});

test('events sealed while a search runs are neither missed nor found twice', () => {
  const store = openStore(dir.path);
  try {
    writeUnsealed(store, Array.from({ length: 3000 }, (_, i) => event(i)));
    const want = all(store).map((e) => e.id);
    // The search decides its parts (all rows, nothing sealed yet), then sealing commits before its
    // first statement: the clock it reads between statements is where the test seals.
    let sealed = 0;
    const now = () => {
      if (!sealed) sealed = sealAll(store);
      return 0;
    };
    const page = store.searcher.page({ filter: store.compile((parse('') as { ok: true; ast: never }).ast), direction: 'newest', limit: 100_000, deadlineMs: Infinity, now });
    expect(sealed).toBe(11);
    expect(page.events.map((e) => e.id)).toEqual(want);
    const count = store.windows.count(store.compile((parse('paid') as { ok: true; ast: never }).ast), 0, Number.MAX_SAFE_INTEGER);
    expect(count.count).toBe(1500);
  } finally {
    store.close();
  }
});

test('a query limited to a quiet sender finds its sealed events through the list of systems each block holds', () => {
  const store = openStore(dir.path);
  try {
    writeUnsealed(store, Array.from({ length: 3000 }, (_, i) => event(i, line(i), i % 700 === 5 ? 'quiet-one' : 'loud')));
    sealAll(store);
    const filter = store.compile((parse('sender:quiet-one') as { ok: true; ast: never }).ast);
    expect(filter.bySystem).toHaveLength(1); // the systems list drives this query (store/compile.ts)
    expect(all(store, 'sender:quiet-one').map((e) => e.message)).toEqual([5, 705, 1405, 2105, 2805].map((i) => line(i)));
    expect(store.searcher.systemEnds(store.systems.find('quiet-one')!.id, NOON, Date.now)?.first.message).toBe(line(5));
  } finally {
    store.close();
  }
});

test('redacting a sealed event writes its block anew without the secret, and verify names it redacted', () => {
  const store = openStore(dir.path);
  try {
    const ids = writeUnsealed(store, Array.from({ length: 1000 }, (_, i) => event(i, i === 300 ? `login token=${SECRET} for ops@example.com` : line(i))));
    sealAll(store);
    expect(all(store, SECRET)).toHaveLength(1);
    const result = redactEvents(store.partitions, [ids[300]!], { reason: 'leaked token', by: 'ops@example.com', nowMs: NOON + 60_000 });
    expect(result.redacted).toEqual([ids[300]]);
    expect(all(store, SECRET)).toEqual([]);
    // Found by what it says now: its block is read anew, not from the copy decoded for the search above.
    expect(all(store, 'redacted').map((e) => e.message)).toEqual(['[redacted]']);
    expect(store.searcher.byId(ids[300]!)?.message).toBe('[redacted]');
    expect(store.searcher.byId(ids[301]!)?.message).toBe(line(301)); // its neighbours in the block are intact
    expect(blocksIn(store).flatMap(decodeBlock).filter((r) => r[7].includes(SECRET))).toEqual([]);
    const report = verifyStore(store.partitions);
    expect(report.problem).toBeUndefined();
    expect(report.redacted).toEqual([ids[300]]);
  } finally {
    store.close();
  }
});

test('blocks the first sealing version wrote (format 1) are searched, verified, archived and redacted as before', async () => {
  const store = openStore(dir.path);
  const ids = writeUnsealed(store, Array.from({ length: 1000 }, (_, i) => event(i, i === 700 ? `login token=${SECRET}` : line(i))));
  sealAll(store);
  const before = { all: all(store), router503: all(store, 'program:heroku/router status>=500') };
  store.close();
  const file = new Database(join(dir.path, 'events', `${DAY}.sqlite`));
  const trigger = file.prepare("SELECT sql FROM sqlite_master WHERE name = 'blocks_no_update'").pluck().get() as string;
  file.exec('DROP TRIGGER blocks_no_update');
  for (const { block, data } of file.prepare('SELECT block, data FROM blocks').all() as { block: number; data: Buffer }[]) {
    file.prepare('UPDATE blocks SET data = ? WHERE block = ?').run(formatOneBlock(decodeBlock(data)), block);
  }
  file.exec(trigger);
  file.close();
  const reopened = openStore(dir.path);
  try {
    expect(blocksIn(reopened).every((b) => inflateRawSync(b).toString().startsWith('{"format":1'))).toBe(true);
    expect(all(reopened)).toEqual(before.all);
    expect(all(reopened, 'program:heroku/router status>=500')).toEqual(before.router503);
    const report = verifyStore(reopened.partitions);
    expect([report.problem, report.events]).toEqual([undefined, 1000]);
    const messages = Array.from({ length: 1000 }, (_, i) => (i === 700 ? `login token=${SECRET}` : line(i)));
    expect(storedRowsAfter(reopened.partitions.reader(DAY)!, 0, 1000).map((r) => r[7])).toEqual(messages);
    await writeArchive({ dayPath: reopened.partitions.pathOf(DAY), day: DAY, dir: join(dir.path, 'archive'), names: {} });
    const archived = gunzipSync(readFileSync(archivePath(join(dir.path, 'archive'), DAY))).toString().trimEnd().split('\n');
    expect(archived.map((l) => l.split('\t')[9])).toEqual(messages);
    // A redaction writes its block anew in the current format; the other blocks stay as they were.
    redactEvents(reopened.partitions, [ids[700]!], { reason: 'leaked token', by: 'ops@example.com', nowMs: NOON + 60_000 });
    expect(all(reopened, SECRET)).toEqual([]);
    expect(blocksIn(reopened).map((b) => inflateRawSync(b).toString().slice(0, 2))).toEqual(['{"', '{"', '2|']);
    const after = verifyStore(reopened.partitions);
    expect([after.problem, after.events, after.redacted]).toEqual([undefined, 1000, [ids[700]]]);
  } finally {
    reopened.close();
  }
});

test('a block changed on disk is named by verify, and the append-only triggers refuse to drop or rewrite blocks', () => {
  const store = openStore(dir.path);
  const ids = writeUnsealed(store, Array.from({ length: 600 }, (_, i) => event(i)));
  sealAll(store);
  store.close();
  const file = new Database(join(dir.path, 'events', `${DAY}.sqlite`));
  expect(() => file.prepare('DELETE FROM blocks WHERE block = 1').run()).toThrow(/append-only/);
  expect(() => file.prepare("UPDATE blocks SET data = x'00' WHERE block = 1").run()).toThrow(/append-only/);
  expect(() => file.prepare('DELETE FROM events WHERE pos = 600').run()).toThrow(/append-only/); // a row no block holds
  // Someone with write access to the file and no regard for the triggers: one event changed.
  const rows = decodeBlock(file.prepare('SELECT data FROM blocks WHERE block = 1').pluck().get() as Buffer);
  rows[3]![7] = 'status=200 nothing to see';
  file.exec('DROP TRIGGER blocks_no_update');
  file.prepare('UPDATE blocks SET data = ? WHERE block = 1').run(encodeBlock(rows));
  file.close();
  const reopened = openStore(dir.path);
  try {
    expect(verifyStore(reopened.partitions).problem).toMatchObject({ kind: 'altered', id: ids[256 + 3] });
  } finally {
    reopened.close();
  }
});

test('an index file deleted after sealing is rebuilt from the blocks', () => {
  let store = openStore(dir.path);
  writeUnsealed(store, Array.from({ length: 1500 }, (_, i) => event(i)));
  sealAll(store);
  const before = all(store, 'paid');
  expect(before.length).toBe(750);
  store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir.path, 'events', `${DAY}.fts.sqlite${suffix}`), { force: true });
  store = openStore(dir.path);
  try {
    expect(new FtsIndexer(store.partitions).indexNew([DAY])).toBe(1500);
    expect(all(store, 'paid')).toEqual(before);
  } finally {
    store.close();
  }
});

test('kill -9 while sealing loses and duplicates nothing, and sealing goes on after the restart', async () => {
  let store = openStore(dir.path);
  const ids = writeUnsealed(store, Array.from({ length: 6000 }, (_, i) => event(i)));
  store.close();
  const child = fileURLToPath(new URL('../helpers/seal-child.ts', import.meta.url));
  let committed = 0;
  for (const killAfter of [2, 9]) {
    // The child commits blocks up to killAfter, then is killed inside the next block's transaction.
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir.path, DAY, String(killAfter - committed)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    let output = '';
    try {
      await Promise.race([
        new Promise<void>((resolve) => proc.stdout.on('data', (d: Buffer) => (output += d.toString()).includes('holding') && resolve())),
        exited,
      ]);
    } finally {
      proc.kill('SIGKILL'); // also when the wait failed: the child waits for it forever
      await exited;
    }
    expect(output).toBe(`sealed ${killAfter - committed}, holding one more\n`);
    store = openStore(dir.path);
    try {
      expect(blocksIn(store)).toHaveLength(killAfter); // the open transaction's block is gone, its rows kept
      expect(all(store).map((e) => Number(e.id))).toEqual(ids);
      expect(verifyStore(store.partitions).problem).toBeUndefined();
    } finally {
      store.close();
    }
    committed = killAfter;
  }
  store = openStore(dir.path);
  try {
    sealAll(store);
    expect(blocksIn(store)).toHaveLength(23);
    expect(all(store).map((e) => Number(e.id))).toEqual(ids);
  } finally {
    store.close();
  }
}, 60_000);

test('a data directory written before blocks is sealed by the server it is opened with, and answers the same', async () => {
  const store = openStore(dir.path);
  const events = Array.from({ length: 5000 }, (_, i) => event(i));
  writeUnsealed(store, events);
  store.close();
  // The day file as the version before blocks left it (day/0009): salts in the rows.
  const file = new Database(join(dir.path, 'events', `${DAY}.sqlite`));
  toPerRowSalts(file);
  file.exec(`DROP TABLE block_systems; DROP TABLE blocks; DROP TRIGGER events_no_delete;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    PRAGMA user_version = 9`);
  file.close();

  const server = await startTestServer({ dataDir: dir.path });
  try {
    const file = new Database(join(dir.path, 'events', `${DAY}.sqlite`), { readonly: true });
    const blocks = () => (file.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'blocks'").pluck().get() ? (file.prepare('SELECT count(*) FROM blocks').pluck().get() as number) : 0);
    for (const t = Date.now(); blocks() < 3 && Date.now() - t < 30_000; ) await new Promise((r) => setTimeout(r, 100));
    expect(blocks()).toBe(3); // 5,000 - 4,096 rows kept as rows = 904: three whole blocks
    file.close();
    const found = await allMessages(await apiClientFor(server), '');
    expect([...found].sort()).toEqual(events.map((e) => e.message).sort());
    expect(verifyStore(server.store.partitions).problem).toBeUndefined();
  } finally {
    await server.stop();
  }
}, 60_000);
