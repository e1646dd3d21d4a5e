// Redaction of a leaked secret (docs/SECURITY.md, "Redaction"): the event's message becomes
// "[redacted]", its extra fields and its salt are cleared (a salt derived from its batch's key goes
// with the key: the batch's other salts are stored instead, day/0011), its leaf hash is kept (in
// `redactions`, with who and why) so that its batch still verifies, its old text leaves the
// full-text index, and the old bytes leave the files: secure_delete zeroes freed space, FTS5
// 'optimize' rewrites the index without the deleted postings, and a WAL checkpoint(TRUNCATE)
// writes the new pages over the old ones and empties the WAL. The append-only triggers (day/0006,
// 0007, 0011) allow exactly this.
import { leafHash, SALT_BYTES, tagOf, TAG_BYTES } from '../integrity/hash.ts';
import { saltsOfBatch } from './chain.ts';
import { rewriteSealed, storedRow, type StoredEventRow } from './blocks.ts';
import type { StoredRow } from './block-codec.ts';
import { openDb, type Db } from './db.ts';
import { countedKeys, FieldTally } from './field-counts.ts';
import { timeOfId } from './ids.ts';
import { dayOf, hasInlineIndex, type Partitions } from './partitions.ts';
import { existsSync } from 'node:fs';

export const REDACTED = '[redacted]';
const CHECKPOINT_TRIES = 3; // each waits up to busy_timeout for readers on an old snapshot and for the writer

export interface RedactionResult {
  redacted: number[];
  /** Redacted before: nothing to do. */
  already: number[];
  /** No such event (never stored, or its day removed). */
  missing: number[];
  /** Events that no longer match their leaf hash (tampered with: run verify); nothing of their day was redacted. */
  refused: number[];
  /** Whether every touched file's WAL was checkpointed and emptied: false means the old text may stay in a WAL until the next checkpoint. */
  checkpointed: boolean;
}

class Tampered extends Error {
  constructor(readonly id: number) {
    super(`event ${id} no longer matches its leaf hash`);
  }
}

/** Redacts these events. A day holding an event that no longer matches its leaf hash is left as it is (`refused`). */
export function redactEvents(partitions: Partitions, ids: readonly number[], why: { reason: string; by: string; nowMs: number }): RedactionResult {
  const result: RedactionResult = { redacted: [], already: [], missing: [], refused: [], checkpointed: true };
  const byDay = new Map<string, number[]>();
  for (const id of new Set(ids)) byDay.set(dayOf(timeOfId(id)), [...(byDay.get(dayOf(timeOfId(id))) ?? []), id]);
  for (const [day, dayIds] of byDay) {
    if (!existsSync(partitions.pathOf(day))) {
      result.missing.push(...dayIds);
      continue;
    }
    const db = openDb(partitions.pathOf(day), 'day', { mustExist: true });
    try {
      const fts = hasInlineIndex(db) ? 'main' : existsSync(partitions.indexPathOf(day)) ? 'fts' : undefined;
      if (fts === 'fts') db.prepare('ATTACH ? AS fts').run(partitions.indexPathOf(day));
      // Freed cells and pages are overwritten with zeros, not left for later reuse.
      db.pragma('main.secure_delete = ON');
      if (fts === 'fts') db.pragma('fts.secure_delete = ON');
      let changed = false;
      const before = { redacted: result.redacted.length, already: result.already.length, missing: result.missing.length };
      try {
        changed = redactDay(db, fts, dayIds, why, result);
      } catch (e) {
        if (!(e instanceof Tampered)) throw e;
        // Rolled back: the day's other events are not reported as done.
        result.redacted.length = before.redacted;
        result.already.length = before.already;
        result.missing.length = before.missing;
        result.refused.push(e.id);
      }
      if (changed && fts) db.prepare(`INSERT INTO ${fts}.events_fts (events_fts) VALUES ('optimize')`).run();
      if (changed) for (const schema of fts === 'fts' ? ['main', 'fts'] : ['main']) result.checkpointed &&= checkpoint(db, schema);
    } finally {
      db.close();
    }
  }
  return result;
}

function redactDay(db: Db, fts: 'main' | 'fts' | undefined, ids: number[], why: { reason: string; by: string; nowMs: number }, result: RedactionResult): boolean {
  const isRedacted = db.prepare('SELECT 1 FROM redactions WHERE id = ?');
  const batchOf = db.prepare('SELECT batch, first_id, events, tags, salt_key FROM chain WHERE first_id <= ? AND last_id >= ?');
  const storeSalts = db.prepare('INSERT INTO batch_salts (batch, salts) VALUES (?, ?) ON CONFLICT (batch) DO UPDATE SET salts = excluded.salts');
  const destroyKey = db.prepare('UPDATE chain SET salt_key = NULL WHERE batch = ?');
  // An event's place in its batch: positions are consecutive in a commit; before day/0009, counted.
  const rowsBefore = db.prepare('SELECT count(*) FROM events WHERE id >= ? AND id < ?').pluck();
  const placeInBatch = (firstId: number, r: StoredEventRow): number =>
    r.pos === null ? (rowsBefore.get(firstId, r.id) as number) : r.pos - storedRow(db, firstId)!.pos!;
  const record = db.prepare('INSERT INTO redactions (id, leaf, reason, redacted_by, at_ms) VALUES (?, ?, ?, ?, ?)');
  const blank = db.prepare(`UPDATE events SET message = '${REDACTED}', extra = NULL, salt = NULL WHERE id = ?`);
  const indexedThrough = fts ? (db.prepare(`SELECT indexed_through FROM ${fts}.fts_progress`).pluck().get() as number) : 0;
  const unindex = fts && db.prepare(`INSERT INTO ${fts}.events_fts (events_fts, rowid, program, message) VALUES ('delete', ?, ?, dw_plain(?))`);
  const reindex = fts && db.prepare(`INSERT INTO ${fts}.events_fts (rowid, program, message) VALUES (?, ?, '${REDACTED}')`);
  // The blanked message has no fields: its values leave the per-minute field counts too.
  const counted = countedKeys(db);
  const fields = counted && new FieldTally(counted);
  let changed = false;
  // BEGIN IMMEDIATE takes the write lock of every attached file: the indexer cannot interleave.
  db.transaction(() => {
    for (const id of ids) {
      const r = storedRow(db, id);
      if (!r) result.missing.push(id);
      else if (isRedacted.get(id)) result.already.push(id);
      else {
        const batch = batchOf.get(id, id) as { batch: number; first_id: number; events: number; tags: Buffer; salt_key: Buffer | null } | undefined;
        const i = batch ? placeInBatch(batch.first_id, r) : 0;
        const salts = batch && saltsOfBatch(db, batch);
        const salt = r.salt ?? salts?.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES);
        // Rows from before the chain have no leaf to keep ('').
        const leaf = salt ? leafHash(salt.toString('hex'), r) : '';
        if (batch && batch.tags.subarray(i * TAG_BYTES, (i + 1) * TAG_BYTES).toString('hex') !== tagOf(leaf)) throw new Tampered(id);
        if (batch && salts) {
          // Its salt is destroyed with the key; the batch's others are kept so that they still verify.
          salts.fill(0, i * SALT_BYTES, (i + 1) * SALT_BYTES);
          storeSalts.run(batch.batch, salts);
          if (batch.salt_key) destroyKey.run(batch.batch);
        }
        if (unindex && reindex && id <= indexedThrough) {
          const rowid = r.pos ?? r.id; // its position in the day since day/0009 (store/positions.ts)
          unindex.run(rowid, r.program, r.message);
          reindex.run(rowid, r.program);
        }
        record.run(id, leaf, why.reason, why.by, why.nowMs);
        fields?.add(id, r.system_id, r.program, r.message, r.extra, -1);
        // A sealed event's block is written anew without the old text (store/blocks.ts).
        if (!blank.run(id).changes) rewriteSealed(db, id, (r) => [...r.slice(0, 7), REDACTED, null, r[9], null, r[11]] as StoredRow);
        result.redacted.push(id);
        changed = true;
      }
    }
    fields?.write(db);
  }).immediate();
  return changed;
}

/** checkpoint(TRUNCATE): the WAL's frames (old text included) are written back and the WAL emptied; retried while readers hold it. */
function checkpoint(db: Db, schema: string): boolean {
  for (let i = 0; i < CHECKPOINT_TRIES; i++) {
    const [r] = db.pragma(`${schema}.wal_checkpoint(TRUNCATE)`) as { busy: number }[];
    if (r && r.busy === 0) return true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return false;
}
