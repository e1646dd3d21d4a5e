// The hash chain's rows in a day file (migrations/day/0007): what the writer appends in each
// commit's transaction, and a day's head (its last batch) for the manifest, retention and
// checkpoints. The hashes themselves are in server/integrity/hash.ts.
import { randomBytes } from 'node:crypto';
import { batchDigest, leafHash, SALT_BYTES, type LeafColumns } from '../integrity/hash.ts';
import type { Db } from './db.ts';

/** A day's chain as of its last batch. */
export interface DayHead {
  day: string;
  batch: number;
  hash: string;
  /** Events in the day's batches (rows that predate the chain not counted). */
  events: number;
  lastId: number;
}

const HEAD_SQL = 'SELECT batch, hash, last_id AS lastId, (SELECT total(events) FROM chain) AS events FROM chain ORDER BY batch DESC LIMIT 1';

/** The day file's head; undefined while it has no batch (a new day, or one from before the chain). */
export function dayHead(db: Db, day: string): DayHead | undefined {
  const row = db.prepare(HEAD_SQL).get() as Omit<DayHead, 'day'> | undefined;
  return row && { ...row, day };
}

/**
 * One batch being committed: salts for its events (drawn at once: one randomBytes call per
 * batch), and its leaves as they are inserted. `seal` writes the chain row; call it inside the
 * events' transaction.
 */
// Leaves joined per piece of the batch's leaf list: 16 KB strings (integrity/hash.ts batchDigest).
const LEAVES_PER_PIECE = 256;

export class BatchHasher {
  private readonly saltsHex: string;
  private readonly pieces: string[] = [];
  private piece = '';
  private n = 0;
  private firstId = 0;
  private lastId = 0;

  constructor(events: number) {
    this.saltsHex = randomBytes(SALT_BYTES * events).toString('hex');
  }

  /**
   * Hashes this event's leaf (events in id order) and returns its salt in hex, to be stored with
   * it through SQL unhex(): binding a string slice costs less than a Buffer per event.
   */
  add(row: LeafColumns): string {
    const i = this.n++;
    if (i === 0) this.firstId = row.id;
    this.lastId = row.id;
    const saltHex = this.saltsHex.slice(i * SALT_BYTES * 2, (i + 1) * SALT_BYTES * 2);
    this.piece += leafHash(saltHex, row);
    if (this.n % LEAVES_PER_PIECE === 0) {
      this.pieces.push(this.piece);
      this.piece = '';
    }
    return saltHex;
  }

  /** The batch's chain row, after `prev` (the previous batch's hash, or the day's link). */
  seal(insertChain: { run: (...args: unknown[]) => unknown }, day: string, batch: number, prev: string): void {
    if (this.piece) this.pieces.push(this.piece);
    this.piece = '';
    const { hash, tags } = batchDigest({ day, batch, firstId: this.firstId, lastId: this.lastId, events: this.n, prev }, this.pieces);
    insertChain.run(batch, this.firstId, this.lastId, this.n, tags, prev, hash);
  }
}
