// The hash chain's rows in a day file (migrations/day/0007): what the writer appends in each
// commit's transaction, and a day's head (its last batch) for the manifest, retention and
// checkpoints. The hashes themselves are in server/integrity/hash.ts.
import { randomBytes } from 'node:crypto';
import { batchDigest, batchDigestOfTexts, batchSalts, leafOfText, leafTextOf, SALT_BYTES, SALT_KEY_BYTES, type BatchHeader, type LeafColumns } from '../integrity/hash.ts';
import { nativeDigestBatch, type DigestBatch } from '../integrity/native.ts';
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

/** A batch's leaves as they are added (their texts, in id order), and its digest (chain hash and tags) at the end. */
interface Leaves {
  add(text: string): void;
  digest(h: BatchHeader): { hash: string; tags: Buffer };
}

// Leaves joined per piece of the batch's leaf list: 16 KB strings (integrity/hash.ts batchDigest).
const LEAVES_PER_PIECE = 256;

/** Node's crypto: one crypto.hash call a leaf, the hex digests kept in pieces. */
class HashedLeaves implements Leaves {
  private readonly pieces: string[] = [];
  private piece = '';
  private n = 0;

  add(text: string): void {
    this.piece += leafOfText(text);
    if (++this.n % LEAVES_PER_PIECE === 0) {
      this.pieces.push(this.piece);
      this.piece = '';
    }
  }

  digest(h: BatchHeader) {
    if (this.piece) this.pieces.push(this.piece);
    this.piece = '';
    return batchDigest(h, this.pieces);
  }
}

// A typical leaf text is ~300 bytes; the buffer grows if a batch's are longer.
const TEXT_BYTES_GUESS = 384;

/**
 * The buffer the writer's batches write their leaf texts into, reused from batch to batch: a new
 * 2 MB buffer for every 5,000-event flush was memory outside V8's heap that its collector counts
 * and collects for. Taken by one batch at a time (a second one while it is taken gets its own).
 */
let spareTexts: Buffer | undefined;

/**
 * The native digest: the leaf texts written into one buffer as UTF-8, all hashed in one call at
 * the end. (Writing each column's bytes into the buffer without building the text was slower:
 * 1.09 against 0.87 us an event, a native call per text column.)
 */
class TextLeaves implements Leaves {
  private texts: Buffer;
  private readonly ends: Uint32Array;
  private at = 0;
  private n = 0;

  constructor(
    private readonly digestBatch: DigestBatch,
    events: number,
  ) {
    const size = Math.max(events, 1) * TEXT_BYTES_GUESS;
    this.texts = spareTexts && spareTexts.length >= size ? spareTexts : Buffer.allocUnsafeSlow(size);
    spareTexts = undefined;
    this.ends = new Uint32Array(events);
  }

  add(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.at + text.length * 3 > this.texts.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.texts.length * 2, this.at + text.length * 3));
      this.texts.copy(grown, 0, 0, this.at);
      this.texts = grown;
    }
    this.at += this.texts.write(text, this.at);
    this.ends[this.n++] = this.at;
  }

  digest(h: BatchHeader) {
    const digest = batchDigestOfTexts(this.digestBatch, h, this.texts, this.ends);
    if (!spareTexts || spareTexts.length < this.texts.length) spareTexts = this.texts;
    return digest;
  }
}

/**
 * One batch being committed: a random salt key for it (day/0011), its events' salts derived from
 * the key at once (integrity/hash.ts batchSalts: one cipher call a batch, nothing stored a row),
 * and its leaves as they are inserted, hashed natively when the addon is built
 * (integrity/native.ts), else by Node's crypto: the same hashes either way. `seal` writes the chain
 * row; call it inside the events' transaction.
 */
export class BatchHasher {
  private readonly saltKey = randomBytes(SALT_KEY_BYTES);
  private readonly saltsHex: string;
  private readonly leaves: Leaves;
  private n = 0;
  private firstId = 0;
  private lastId = 0;

  constructor(events: number, digestBatch: DigestBatch | null = nativeDigestBatch ?? null) {
    this.saltsHex = batchSalts(this.saltKey, events).toString('hex');
    this.leaves = digestBatch ? new TextLeaves(digestBatch, events) : new HashedLeaves();
  }

  /** Adds this event's leaf (events in id order). */
  add(row: LeafColumns): void {
    const k = this.n++;
    if (k === 0) this.firstId = row.id;
    this.lastId = row.id;
    this.leaves.add(leafTextOf(this.saltsHex.slice(k * SALT_BYTES * 2, (k + 1) * SALT_BYTES * 2), row));
  }

  /** The batch's chain row, after `prev` (the previous batch's hash, or the day's link). */
  seal(insertChain: { run: (...args: unknown[]) => unknown }, day: string, batch: number, prev: string): void {
    const { hash, tags } = this.leaves.digest({ day, batch, firstId: this.firstId, lastId: this.lastId, events: this.n, prev });
    insertChain.run(batch, this.firstId, this.lastId, this.n, tags, prev, hash, this.saltKey);
  }
}
