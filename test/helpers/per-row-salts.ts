// A day file's batches as versions before day/0011 wrote them: each event's salt stored in its row,
// no key in the chain row. Made from a file the current writer wrote (rows only, none sealed), by
// storing each event's derived salt in its row and undoing day/0011; the leaves and batch hashes
// stay as they were, so the file verifies if verify still reads per-row salts.
import type Database from 'better-sqlite3';
import { batchSalts, SALT_BYTES } from '../../server/integrity/hash.ts';

export function toPerRowSalts(db: Database.Database): void {
  // Put back as it was, if it was there (verify's tests drop it to tamper).
  const eventsNoUpdate = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_no_update'").pluck().get() as string | undefined) ?? '';
  db.exec('DROP TRIGGER IF EXISTS events_no_update');
  const batches = db.prepare('SELECT batch, first_id, last_id, events, salt_key FROM chain ORDER BY batch').all() as { first_id: number; last_id: number; events: number; salt_key: Buffer }[];
  for (const b of batches) {
    const ids = db.prepare('SELECT id FROM events WHERE id BETWEEN ? AND ? ORDER BY id').pluck().all(b.first_id, b.last_id) as number[];
    if (ids.length !== b.events) throw new Error(`toPerRowSalts: a batch of ${b.events} has ${ids.length} rows (sealed?)`);
    const salts = batchSalts(b.salt_key, b.events);
    ids.forEach((id, k) => db.prepare('UPDATE events SET salt = ? WHERE id = ?').run(salts.subarray(k * SALT_BYTES, (k + 1) * SALT_BYTES), id));
  }
  db.exec(`${eventsNoUpdate};
    DROP TRIGGER batch_salts_no_update; DROP TRIGGER batch_salts_no_delete; DROP TABLE batch_salts;
    DROP TRIGGER IF EXISTS chain_no_update;
    ALTER TABLE chain DROP COLUMN salt_key;
    CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only'); END;`);
}
