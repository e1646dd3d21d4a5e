// The hash chain's rows in a day file (migrations/day/0007): what the writer appends in each
// commit's transaction, and a day's head (its last batch) for the manifest, retention and
// checkpoints. The hashes themselves are in server/integrity/hash.ts.
import { randomBytes } from 'node:crypto';
import { batchDigest, batchDigestOfLeaves, batchSalts, leafHash, leafTextTail, SALT_BYTES, SALT_KEY_BYTES, type BatchHeader, type LeafColumns } from '../integrity/hash.ts';
import { NATIVE_NUMS, nativeDigest, type NativeDigest } from '../integrity/native.ts';
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
 * A batch's salts where they are not its rows' own (day/0011): derived from its key, or stored by a
 * redaction that destroyed the key. Undefined for a batch from before day/0011.
 */
export function saltsOfBatch(db: Db, b: { batch: number; events: number; salt_key: Buffer | null }): Buffer | undefined {
  return b.salt_key ? batchSalts(b.salt_key, b.events) : (db.prepare('SELECT salts FROM batch_salts WHERE batch = ?').pluck().get(b.batch) as Buffer | undefined);
}

/** A batch's leaves as they are added (in id order), and its digest (chain hash and tags) at the end. */
interface Leaves {
  add(row: LeafColumns): void;
  digest(h: BatchHeader): { hash: string; tags: Buffer };
}

// Leaves joined per piece of the batch's leaf list: 16 KB strings (integrity/hash.ts batchDigest).
const LEAVES_PER_PIECE = 256;

/** Node's crypto: one crypto.hash call a leaf, the hex digests kept in pieces. */
class HashedLeaves implements Leaves {
  private readonly saltsHex: string;
  private readonly pieces: string[] = [];
  private piece = '';
  private n = 0;

  constructor(salts: Buffer) {
    this.saltsHex = salts.toString('hex');
  }

  add(row: LeafColumns): void {
    const k = this.n++;
    this.piece += leafHash(this.saltsHex.slice(k * SALT_BYTES * 2, (k + 1) * SALT_BYTES * 2), row);
    if (this.n % LEAVES_PER_PIECE === 0) {
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

// Leaves hashed natively a few hundred at a time, while their texts are still in the CPU's cache:
// a batch's 1.5 MB of texts hashed at its end were read back from memory, after the inserts between.
const LEAVES_PER_CALL = 256;
const TEXT_BYTES_GUESS = 320; // a typical leaf text's tail is ~230 bytes; the buffer grows for longer ones
let spareTexts: Buffer | undefined; // reused from batch to batch (a second batch at once gets its own)

/**
 * The native digest: of each leaf text, the tail (the five texts) is written into a buffer as
 * UTF-8 and the numbers into an array; the native side makes the head from those and the salts
 * (building it here cost ~0.35 µs an event). LEAVES_PER_CALL leaves a call, chained at the end.
 */
class NativeLeaves implements Leaves {
  private texts = spareTexts ?? Buffer.allocUnsafeSlow(LEAVES_PER_CALL * TEXT_BYTES_GUESS);
  private readonly ends = new Uint32Array(LEAVES_PER_CALL);
  private readonly nums = new Float64Array(LEAVES_PER_CALL * NATIVE_NUMS);
  private readonly leaves: Buffer;
  private at = 0;
  private inCall = 0;
  private n = 0;

  constructor(
    private readonly native: NativeDigest,
    private readonly salts: Buffer,
    events: number,
  ) {
    spareTexts = undefined;
    this.leaves = Buffer.allocUnsafe(events * 32);
  }

  add(r: LeafColumns): void {
    const tail = leafTextTail(r.source_ip, r.hostname, r.program, r.message, r.extra);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.at + tail.length * 3 > this.texts.length) {
      this.hashLeaves();
      if (tail.length * 3 > this.texts.length) this.texts = Buffer.allocUnsafeSlow(tail.length * 3);
    }
    this.at += this.texts.write(tail, this.at);
    const i = this.inCall++;
    this.ends[i] = this.at;
    const nums = this.nums;
    const j = i * NATIVE_NUMS;
    nums[j] = r.id;
    nums[j + 1] = r.system_id;
    nums[j + 2] = r.generated_ms ?? NaN;
    nums[j + 3] = r.pri;
    nums[j + 4] = r.flags;
    if (this.inCall === LEAVES_PER_CALL) this.hashLeaves();
  }

  private hashLeaves(): void {
    this.native.hashLeaves(this.texts, this.ends, this.nums, this.salts, this.inCall, this.n, this.leaves);
    this.n += this.inCall;
    this.inCall = 0;
    this.at = 0;
  }

  digest(h: BatchHeader) {
    this.hashLeaves();
    if (this.n !== h.events) throw new Error(`BUG: ${this.n} leaves for a batch of ${h.events}`);
    if (!spareTexts || spareTexts.length < this.texts.length) spareTexts = this.texts;
    return batchDigestOfLeaves(this.native, h, this.leaves);
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
  private readonly leaves: Leaves;
  private n = 0;
  private firstId = 0;
  private lastId = 0;

  constructor(events: number, native: NativeDigest | null = nativeDigest ?? null) {
    const salts = batchSalts(this.saltKey, events);
    this.leaves = native ? new NativeLeaves(native, salts, events) : new HashedLeaves(salts);
  }

  /** Adds this event's leaf (events in id order). */
  add(row: LeafColumns): void {
    if (this.n++ === 0) this.firstId = row.id;
    this.lastId = row.id;
    this.leaves.add(row);
  }

  /** The batch's chain row, after `prev` (the previous batch's hash, or the day's link). */
  seal(insertChain: { run: (...args: unknown[]) => unknown }, day: string, batch: number, prev: string): void {
    const { hash, tags } = this.leaves.digest({ day, batch, firstId: this.firstId, lastId: this.lastId, events: this.n, prev });
    insertChain.run(batch, this.firstId, this.lastId, this.n, tags, prev, hash, this.saltKey);
  }
}
