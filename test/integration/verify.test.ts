// `driftwood verify` (issue 14, part 3) passes on an intact store and names the first problem
// after each kind of tampering: a byte of a message changed on disk, a row deleted, two rows
// swapped, a row duplicated or added, a batch rewritten with recomputed hashes (caught by an
// exported checkpoint), a day file deleted without its tombstone.
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadKeys, signCheckpoint, type Checkpoint } from '../../server/integrity/checkpoint.ts';
import { batchHash, batchSalts, leafHash, tagsOf, type LeafColumns } from '../../server/integrity/hash.ts';
import { openStore } from '../../server/store/index.ts';
import { enforceRetention } from '../../server/store/retention.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { describeProblem, verifyStore, type Problem } from '../../server/store/verify.ts';
import { toPerRowSalts } from '../helpers/per-row-salts.ts';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-05-30T12:00:00Z');
const TODAY = '2026-05-30';
let dir: ReturnType<typeof tmpDir>;
beforeEach(() => (dir = tmpDir()));
afterEach(() => dir.cleanup());

const event = (message: string, receivedMs: number): NewEvent => ({
  receivedMs, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [],
});

/** Three days of three batches of four events; returns the ids, oldest first. */
function seed(): number[] {
  const store = openStore(dir.path);
  const ids: number[] = [];
  for (const d of [2, 1, 0]) {
    for (let b = 0; b < 3; b++) {
      const [r] = store.append([{ events: Array.from({ length: 4 }, (_, i) => event(`day-${d} batch-${b} line-${i} marker${d}${b}${i}`, NOW - d * DAY + b * 10 + i)) }]);
      const last = r!.lastId!;
      ids.push(...Array.from({ length: 4 }, (_, i) => last - 3 + i)); // ids within a millisecond step by 1
    }
  }
  store.close();
  return ids;
}

function check(checkpoints?: Checkpoint[]): Problem | undefined {
  const store = openStore(dir.path);
  try {
    return verifyStore(store.partitions, { checkpoints }).problem;
  } finally {
    store.close();
  }
}

/** The day file opened as an attacker would, with the append-only triggers dropped. */
function tamper(day: string, body: (db: Database.Database) => void): void {
  const db = new Database(join(dir.path, 'events', `${day}.sqlite`));
  db.exec('DROP TRIGGER IF EXISTS events_no_delete; DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS chain_no_update; DROP TRIGGER IF EXISTS chain_no_delete');
  body(db);
  db.close();
}

const idsOf = (day: string) => {
  const db = new Database(join(dir.path, 'events', `${day}.sqlite`), { readonly: true });
  const ids = db.prepare('SELECT id FROM events ORDER BY id').pluck().all() as number[];
  db.close();
  return ids;
};

test('an intact store verifies: the CLI exits 0 and says what it checked', async () => {
  seed();
  expect(check()).toBeUndefined();
  const r = await runCli(['verify'], { DRIFTWOOD_DATA_DIR: dir.path });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^OK: 36 events in 9 batches of 3 days verified/);
}, CLI_TEST_TIMEOUT_MS);

test('events with characters beyond U+FFFF or NUL bytes verify, and one of them altered is named', () => {
  // verify reads leaf texts built by SQLite, whose length() counts code points (UTF-16 counts an
  // emoji twice) and stops at a NUL: such batches are checked again from their columns.
  const store = openStore(dir.path);
  const messages = ['deploy 🚀 done', 'nul \u0000 inside', 'plain ascii', 'ünïcødé ✓'];
  store.append([{ events: messages.map((m, i) => ({ ...event(m, NOW + i), hostname: i === 1 ? 'host 😀' : 'web-1', fields: i === 2 ? { emoji: '🎉' } : ({} as Record<string, string>) })) }]);
  store.close();
  expect(check()).toBeUndefined();
  const id = idsOf(TODAY)[0]!;
  tamper(TODAY, (db) => db.prepare('UPDATE events SET message = ? WHERE id = ?').run('deploy 🚀 undone', id));
  expect(check()).toEqual({ kind: 'altered', day: TODAY, batch: 1, id });
});

test('a lone UTF-16 surrogate (a JSON escape can carry one) is stored as U+FFFD and verifies', () => {
  const store = openStore(dir.path);
  store.append([{ events: [{ ...event('half \ud83d of an emoji', NOW), hostname: 'host \udc00', program: 'app\ud800' }] }]);
  store.close();
  expect(check()).toBeUndefined();
  const db = new Database(join(dir.path, 'events', `${TODAY}.sqlite`), { readonly: true });
  expect(db.prepare('SELECT message, hostname, program FROM events').get()).toEqual({ message: 'half \ufffd of an emoji', hostname: 'host \ufffd', program: 'app\ufffd' });
  db.close();
});

test('one byte of a message changed on disk names that event, and the CLI exits 1', async () => {
  seed();
  const path = join(dir.path, 'events', '2026-05-29.sqlite');
  const bytes = readFileSync(path);
  const at = bytes.indexOf('marker112');
  expect(at).toBeGreaterThan(0);
  bytes[at] = 'M'.charCodeAt(0);
  writeFileSync(path, bytes);
  const id = idsOf('2026-05-29')[4 + 2]!; // batch 2, line 2
  expect(check()).toEqual({ kind: 'altered', day: '2026-05-29', batch: 2, id });
  const r = await runCli(['verify'], { DRIFTWOOD_DATA_DIR: dir.path });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`driftwood: FAILED: event ${id} (2026-05-29, batch 2) was altered: it does not match its leaf hash\n`);
}, CLI_TEST_TIMEOUT_MS);

test('days written before salts were derived per batch (day/0011) verify, with new batches after them, and their tampering is named', () => {
  seed();
  for (const day of ['2026-05-28', '2026-05-29', TODAY]) {
    tamper(day, (db) => {
      toPerRowSalts(db);
      db.pragma('user_version = 10');
    });
  }
  const store = openStore(dir.path); // upgrades the files: day/0011 again
  store.append([{ events: [event('after the upgrade', NOW + 100)] }]);
  store.close();
  expect(check()).toBeUndefined();
  const db = new Database(join(dir.path, 'events', `${TODAY}.sqlite`), { readonly: true });
  expect(db.prepare('SELECT count(*) FROM events WHERE salt IS NOT NULL').pluck().get()).toBe(12);
  expect(db.prepare('SELECT batch, salt_key IS NOT NULL AS keyed FROM chain ORDER BY batch').raw().all()).toEqual([[1, 0], [2, 0], [3, 0], [4, 1]]);
  db.close();
  const [first, yesterday] = [idsOf('2026-05-28'), idsOf('2026-05-29')];
  tamper('2026-05-29', (db) => db.prepare('DELETE FROM events WHERE id = ?').run(yesterday[5]));
  expect(check()).toEqual({ kind: 'missing', day: '2026-05-29', batch: 2, after: yesterday[4], before: yesterday[6] });
  tamper('2026-05-28', (db) => db.prepare("UPDATE events SET message = 'day-2 batch-0 line-3 markerX' WHERE id = ?").run(first[3]));
  expect(check()).toEqual({ kind: 'altered', day: '2026-05-28', batch: 1, id: first[3] });
});

test('a batch key changed or removed is named, as the batch\'s first event no longer matching', () => {
  seed();
  const ids = idsOf(TODAY);
  tamper(TODAY, (db) => db.prepare('UPDATE chain SET salt_key = zeroblob(16) WHERE batch = 2').run());
  expect(check()).toEqual({ kind: 'altered', day: TODAY, batch: 2, id: ids[4] });
  tamper(TODAY, (db) => db.prepare('UPDATE chain SET salt_key = NULL WHERE batch = 2').run());
  expect(check()).toEqual({ kind: 'altered', day: TODAY, batch: 2, id: ids[4] });
});

test('a deleted row is named by its neighbours', () => {
  seed();
  const ids = idsOf(TODAY);
  tamper(TODAY, (db) => db.prepare('DELETE FROM events WHERE id = ?').run(ids[5]));
  expect(check()).toEqual({ kind: 'missing', day: TODAY, batch: 2, after: ids[4], before: ids[6] });
});

test('two rows swapped are reported as reordered', () => {
  seed();
  const ids = idsOf(TODAY);
  tamper(TODAY, (db) => {
    const [a, b] = [ids[1]!, ids[2]!];
    db.prepare('UPDATE events SET id = -1 WHERE id = ?').run(a);
    db.prepare('UPDATE events SET id = ? WHERE id = ?').run(a, b);
    db.prepare('UPDATE events SET id = ? WHERE id = -1').run(b);
  });
  expect(check()).toEqual({ kind: 'reordered', day: TODAY, batch: 1, id: ids[1], holds: ids[2] });
});

test('a duplicated row, a row slipped into a batch and a row after the head are each named', () => {
  seed();
  const ids = idsOf(TODAY);
  const copy = (db: Database.Database, from: number, to: number) =>
    db.prepare('INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, salt) SELECT ?, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, salt FROM events WHERE id = ?').run(to, from);
  tamper(TODAY, (db) => copy(db, ids[0]!, ids[0]! + 100));
  expect(check()).toEqual({ kind: 'duplicated', day: TODAY, batch: 1, id: ids[0]! + 100, of: ids[0] });
  tamper(TODAY, (db) => {
    db.prepare('DELETE FROM events WHERE id = ?').run(ids[0]! + 100);
    db.prepare("INSERT INTO events (id, system_id, source_ip, program, pri, message, flags) VALUES (?, 1, '10.0.0.1', 'app', 14, 'forged', 0)").run(ids[4]! - 1);
  });
  expect(check()).toEqual({ kind: 'inserted', day: TODAY, batch: 2, id: ids[4]! - 1 });
  tamper(TODAY, (db) => {
    db.prepare('DELETE FROM events WHERE id = ?').run(ids[4]! - 1);
    db.prepare("INSERT INTO events (id, system_id, source_ip, program, pri, message, flags) VALUES (?, 1, '10.0.0.1', 'app', 14, 'forged', 0)").run(ids.at(-1)! + 1);
  });
  expect(check()).toEqual({ kind: 'rows-after-head', day: TODAY, id: ids.at(-1)! + 1 });
});

/** Rewrites one event and then every chain row from its batch on, as an attacker who knows the scheme would. */
function forge(day: string, id: number, message: string): void {
  tamper(day, (db) => {
    db.prepare('UPDATE events SET message = ? WHERE id = ?').run(message, id);
    const batches = db.prepare('SELECT * FROM chain ORDER BY batch').all() as { batch: number; first_id: number; last_id: number; events: number; prev: string; hash: string; salt_key: Buffer }[];
    let prev: string | undefined;
    for (const b of batches) {
      prev ??= b.prev;
      const rows = db.prepare('SELECT * FROM events WHERE id >= ? AND id <= ? ORDER BY id').all(b.first_id, b.last_id) as LeafColumns[];
      const salts = batchSalts(b.salt_key, b.events).toString('hex');
      const leaves = rows.map((r, k) => leafHash(salts.slice(k * 32, (k + 1) * 32), r)).join('');
      const hash = batchHash({ day, batch: b.batch, firstId: b.first_id, lastId: b.last_id, events: b.events, prev }, leaves);
      db.prepare('UPDATE chain SET tags = ?, prev = ?, hash = ? WHERE batch = ?').run(tagsOf(leaves), prev, hash, b.batch);
      prev = hash;
    }
  });
}

test('a batch rewritten with recomputed hashes passes the chain alone but not an exported checkpoint', () => {
  seed();
  const store = openStore(dir.path);
  const head = store.partitions.head(TODAY)!;
  store.close();
  const keys = loadKeys(dir.path);
  const line = signCheckpoint({ day: head.day, batch: head.batch, hash: head.hash, events: head.events, last_id: head.lastId, at: new Date(NOW).toISOString() }, keys.privateKey);
  const file = join(dir.path, 'checkpoints.jsonl');
  writeFileSync(file, `${line}\n`);
  forge(TODAY, idsOf(TODAY)[5]!, 'nothing to see here');
  expect(check()).toBeUndefined(); // the limit of a chain kept next to the data (docs/SECURITY.md)
  const checkpoint = JSON.parse(line) as Checkpoint;
  const problem = check([checkpoint]);
  expect(problem).toMatchObject({ kind: 'batch-rewritten', day: TODAY, batch: 3 });
  expect(describeProblem(problem!)).toMatch(/batch 3 of 2026-05-30 was rewritten: it does not match the checkpoint of 2026-05-30T12:00:00.000Z/);
});

test('checkpoints signed by another key are refused, by line', async () => {
  seed();
  const other = tmpDir();
  try {
    const line = signCheckpoint({ day: TODAY, batch: 3, hash: 'x', events: 12, last_id: 1, at: '2026-05-30T12:00:00.000Z' }, loadKeys(other.path).privateKey);
    writeFileSync(join(dir.path, 'c.jsonl'), `\n${line}\n`);
    const r = await runCli(['verify', '--checkpoints', join(dir.path, 'c.jsonl')], { DRIFTWOOD_DATA_DIR: dir.path });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/c\.jsonl line 2: bad signature/);
    const key = await runCli(['verify', '--print-public-key'], { DRIFTWOOD_DATA_DIR: other.path });
    const pinned = await runCli(['verify', '--checkpoints', join(dir.path, 'c.jsonl'), '--public-key', key.stdout.trim()], { DRIFTWOOD_DATA_DIR: dir.path });
    expect(pinned.stderr).toMatch(/FAILED: batch 3 of 2026-05-30 was rewritten: it does not match the checkpoint/);
  } finally {
    other.cleanup();
  }
}, CLI_TEST_TIMEOUT_MS);

test('a day file deleted without its tombstone is missing; one removed by retention is not', () => {
  seed();
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir.path, 'events', `2026-05-29.sqlite${suffix}`), { force: true });
  expect(check()).toEqual({ kind: 'missing-day', day: '2026-05-29' });

  dir.cleanup();
  dir = tmpDir();
  seed();
  const store = openStore(dir.path);
  expect(enforceRetention(store.partitions, { retentionDays: 2 }, NOW)).toEqual(['2026-05-28']);
  const report = verifyStore(store.partitions);
  store.close();
  expect(report.problem).toBeUndefined();
  expect(report).toMatchObject({ removed: ['2026-05-28'], days: 2, events: 24 });
});

test('a day whose newest batches were cut off is caught by the head the manifest recorded', () => {
  seed();
  const ids = idsOf('2026-05-29');
  tamper('2026-05-29', (db) => {
    db.prepare('DELETE FROM events WHERE id >= ?').run(ids[8]);
    db.prepare('DELETE FROM chain WHERE batch = 3').run();
  });
  expect(check()).toEqual({ kind: 'truncated', day: '2026-05-29', batch: 2, why: 'the head the manifest recorded saw batch 3' });
});

test('a data dir from before tamper evidence opens and verifies, its old rows counted as not covered', () => {
  let store = openStore(dir.path);
  store.systems.resolve('web-1', '10.0.0.1', NOW); // system 1
  store.close();
  // A day file as day/0001–0005 left it.
  const db = new Database(join(dir.path, 'events', `${TODAY}.sqlite`));
  db.pragma('journal_mode = WAL');
  for (const f of ['0001_init.sql', '0002_minute_counts.sql', '0003_fts_automerge.sql', '0004_fts_progress.sql', '0005_index_own_file.sql']) {
    db.exec(readFileSync(new URL(`../../server/store/migrations/day/${f}`, import.meta.url), 'utf8'));
  }
  db.pragma('user_version = 5');
  for (let i = 0; i < 3; i++) db.prepare("INSERT INTO events (id, system_id, source_ip, program, pri, message, flags) VALUES (?, 1, '10.0.0.1', 'app', 14, ?, 0)").run((NOW - 1000 + i) * 1024, `old line ${i}`);
  db.close();
  store = openStore(dir.path);
  try {
    store.append([{ events: [event('new line', NOW)] }]);
    const report = verifyStore(store.partitions);
    expect(report.problem).toBeUndefined();
    expect(report).toMatchObject({ legacy: 3, events: 1, batches: 1 });
  } finally {
    store.close();
  }
});

test('a manifest deleted and made anew is reported', () => {
  seed();
  rmSync(join(dir.path, 'integrity.sqlite'));
  expect(check()).toMatchObject({ kind: 'manifest-recreated' });
});

test('--since checks the events of that day on and still follows the chain through the days before', () => {
  seed();
  const path = join(dir.path, 'events', '2026-05-28.sqlite');
  const bytes = readFileSync(path);
  bytes[bytes.indexOf('marker200')] = 'M'.charCodeAt(0);
  writeFileSync(path, bytes);
  const store = openStore(dir.path);
  try {
    expect(verifyStore(store.partitions, { since: '2026-05-29' })).toMatchObject({ days: 2, events: 24 });
    expect(verifyStore(store.partitions).problem).toMatchObject({ kind: 'altered', day: '2026-05-28' });
  } finally {
    store.close();
  }
});

test('a day that got events after the next day began (an import) and was then removed does not break the link', () => {
  seed();
  const store = openStore(dir.path);
  try {
    store.append([{ events: [event('imported late into the oldest day', NOW - 2 * DAY + 500)] }]);
    expect(verifyStore(store.partitions).problem).toBeUndefined();
    expect(enforceRetention(store.partitions, { retentionDays: 2 }, NOW)).toEqual(['2026-05-28']);
    const report = verifyStore(store.partitions);
    expect(report.problem).toBeUndefined();
    expect(report.removed).toEqual(['2026-05-28']);
  } finally {
    store.close();
  }
});

test('a batch removed with its events, a day removed with its manifest entry, and a day the manifest does not list are each named', () => {
  seed();
  const ids = idsOf(TODAY);
  tamper(TODAY, (db) => {
    db.prepare('DELETE FROM events WHERE id >= ? AND id <= ?').run(ids[4], ids[7]);
    db.prepare('DELETE FROM chain WHERE batch = 2').run();
  });
  expect(check()).toEqual({ kind: 'batch-missing', day: TODAY, batch: 2 });

  dir.cleanup();
  dir = tmpDir();
  seed();
  const manifest = () => new Database(join(dir.path, 'integrity.sqlite'));
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir.path, 'events', `2026-05-29.sqlite${suffix}`), { force: true });
  let m = manifest();
  m.prepare("DELETE FROM days WHERE day = '2026-05-29'").run();
  m.close();
  expect(check()).toEqual({ kind: 'chain-broken', day: TODAY, previousDay: '2026-05-28' });

  m = manifest();
  m.prepare(`DELETE FROM days WHERE day = '${TODAY}'`).run();
  m.close();
  expect(check()).toEqual({ kind: 'unlisted-day', day: TODAY });
});
