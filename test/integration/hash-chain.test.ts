// The hash chain (issue 14, part 2): every committed batch leaves a chain row in the same day
// file, computed from its events' leaves and the previous batch's hash; days link up; the manifest
// keeps each finished day's head and a tombstone for each day retention removed.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { batchHash, batchSalts, GENESIS, leafHash, tagsOf, type LeafColumns } from '../../server/integrity/hash.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { enforceRetention } from '../../server/store/retention.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { tmpDir } from '../helpers/tmp.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-05-30T12:00:00Z');
let dir: ReturnType<typeof tmpDir>;
let store: Store;
beforeEach(() => {
  dir = tmpDir();
  store = openStore(dir.path);
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

const event = (message: string, receivedMs: number): NewEvent => ({
  receivedMs, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [],
});
const append = (at: number, ...messages: string[]) => store.append([{ events: messages.map((m, i) => event(m, at + i)) }]);

interface ChainRow { batch: number; first_id: number; last_id: number; events: number; tags: Buffer; prev: string; hash: string; salt_key: Buffer }
const chainOf = (day: string) => store.partitions.reader(day)!.prepare('SELECT * FROM chain ORDER BY batch').all() as ChainRow[];
const eventsOf = (day: string) => store.partitions.reader(day)!.prepare('SELECT * FROM events ORDER BY id').all() as (LeafColumns & { salt: Buffer | null })[];
/** Event k's salt in the batch: its share of the batch key's keystream (day/0011). */
const saltOf = (b: ChainRow, k: number) => batchSalts(b.salt_key, b.events).subarray(k * 16, (k + 1) * 16).toString('hex');

test('each commit leaves one chain row that its events recompute, linked to the batch before', () => {
  append(NOW, 'first a', 'first b');
  append(NOW + 10, 'second');
  const [b1, b2] = chainOf('2026-05-30');
  const rows = eventsOf('2026-05-30');
  const salts = [saltOf(b1!, 0), saltOf(b1!, 1), saltOf(b2!, 0)];
  const leaves = rows.map((r, i) => leafHash(salts[i]!, r));
  expect(new Set(salts).size).toBe(3); // a salt of its own per event, from a key of its own per batch
  expect(b1!.salt_key.equals(b2!.salt_key)).toBe(false);
  expect(rows.map((r) => r.salt)).toEqual([null, null, null]); // derived, not stored
  expect(b1).toMatchObject({ batch: 1, first_id: rows[0]!.id, last_id: rows[1]!.id, events: 2, prev: GENESIS });
  expect(b1!.tags).toEqual(tagsOf(leaves[0]! + leaves[1]!));
  expect(b1!.hash).toBe(batchHash({ day: '2026-05-30', batch: 1, firstId: rows[0]!.id, lastId: rows[1]!.id, events: 2, prev: GENESIS }, leaves[0]! + leaves[1]!));
  expect(b2).toMatchObject({ batch: 2, events: 1, prev: b1!.hash });
  expect(b2!.hash).toBe(batchHash({ day: '2026-05-30', batch: 2, firstId: rows[2]!.id, lastId: rows[2]!.id, events: 1, prev: b1!.hash }, leaves[2]!));
});

test('a day continues from the previous day\'s head, and the manifest keeps that head', () => {
  append(NOW - DAY, 'yesterday 1');
  append(NOW - DAY + 5, 'yesterday 2');
  const yesterdayHead = chainOf('2026-05-29').at(-1)!;
  append(NOW, 'today');
  expect(chainOf('2026-05-30')[0]!.prev).toBe(yesterdayHead.hash);
  const [y, t] = store.partitions.manifest.days();
  expect(y).toMatchObject({ day: '2026-05-29', seq: 1, legacy: false, removedMs: null, head: { batch: 2, hash: yesterdayHead.hash, events: 2, lastId: yesterdayHead.last_id } });
  expect(t).toMatchObject({ day: '2026-05-30', seq: 2, head: null });
});

test('retention leaves a tombstone with the removed day\'s final head', () => {
  append(NOW - 30 * DAY, 'old');
  append(NOW, 'new');
  const oldHead = chainOf('2026-04-30').at(-1)!;
  expect(enforceRetention(store.partitions, { retentionDays: 7 }, NOW)).toEqual(['2026-04-30']);
  expect(store.partitions.manifest.days()[0]).toMatchObject({ day: '2026-04-30', removedMs: NOW, head: { hash: oldHead.hash, events: 1 } });
});
