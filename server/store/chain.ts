// The hash chain's rows in a day file (migrations/day/0007): what the writer appends in each
// commit's transaction, and a day's head (its last batch) for the manifest, retention and
// checkpoints. The hashes themselves are in server/integrity/hash.ts.
import { randomBytes } from 'node:crypto';
import { batchDigest, batchDigestOfLeaves, batchSalts, leafHash, SALT_BYTES, TAG_BYTES, SALT_KEY_BYTES, type BatchHeader, type LeafColumns } from '../integrity/hash.ts';
import { NATIVE_NUMS, nativeDigest, type NativeDigest } from '../integrity/native.ts';
import type { Db } from './db.ts';
import { TEXTS, type Packed } from './packed.ts';

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

/**
 * Where an event's texts are in its submission (store/packed.ts Packed): one string, and each
 * text's UTF-16 length, TEXTS an event in Packed's order (source_ip, system name, hostname,
 * program, message). The native digest hashes them from there, encoded once a submission.
 */
export type SubmissionTexts = Pick<Packed, 'text' | 'lengths'>;

/** A batch's leaves as they are added (in id order), and its digest (chain hash and tags) at the end. */
interface Leaves {
  add(row: LeafColumns, texts: SubmissionTexts, event: number): void;
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

// Leaves hashed natively a few hundred at a time, while their texts are still in the CPU's cache.
const LEAVES_PER_CALL = 256;

/**
 * The native path's buffers, reused from batch to batch (a second batch at once gets its own):
 * fresh ones each batch and submission (~100 bytes an event, outside V8's heap) cost the writer
 * and V8's helper threads ~0.2 µs an event in a server under load (docs/BENCHMARKS.md, Integrity).
 */
class NativeBuffers {
  /** A submission's texts as UTF-8 (at most 3 bytes a UTF-16 unit), and where each starts. */
  text: Buffer = Buffer.allocUnsafeSlow(1 << 16);
  starts = new Uint32Array(1 << 12);
  /** A call's extras, and its events' numbers. */
  extras: Buffer = Buffer.allocUnsafeSlow(1 << 12);
  readonly nums = new Float64Array(LEAVES_PER_CALL * NATIVE_NUMS);
  /** The batch's leaves, 32 bytes each, then its tags and chain hash. */
  leaves: Buffer = Buffer.allocUnsafeSlow(1 << 16);
  out: Buffer = Buffer.allocUnsafeSlow(1 << 14);
}
let spare: NativeBuffers | undefined;

/** `b`, or a new buffer if `b` is shorter than `bytes`. */
const atLeast = (b: Buffer, bytes: number) => (b.length >= bytes ? b : Buffer.allocUnsafeSlow(Math.max(bytes, b.length * 2)));

/**
 * The native digest. Each submission's texts are encoded to UTF-8 in one call, and the native side
 * finds each event's texts in there and makes its whole leaf text: building each leaf's tail here
 * (joining five strings, then encoding them) cost ~0.35 µs an event, more than its SHA-256. Only
 * the numbers, and the extra where there is one, are written an event.
 */
class NativeLeaves implements Leaves {
  private readonly b = spare ?? new NativeBuffers();
  /** The submission whose texts `b.text` holds, and their bytes. */
  private encoded: { texts: SubmissionTexts; bytes: Buffer } | undefined;
  private extraAt = 0;
  private inCall = 0;
  private n = 0;

  constructor(
    private readonly native: NativeDigest,
    private readonly salts: Buffer,
    events: number,
  ) {
    spare = undefined;
    this.b.leaves = atLeast(this.b.leaves, events * 32);
  }

  add(r: LeafColumns, texts: SubmissionTexts, event: number): void {
    if (texts !== this.encoded?.texts) this.encode(texts);
    const e = event * TEXTS;
    const units = texts.lengths;
    // The texts hashed are the submission's; the row's are the same but for lone surrogates made
    // U+FFFD (store/codec.ts toRow), which UTF-8 encoding does too.
    if (units[e] !== r.source_ip.length || units[e + 3] !== r.program.length || units[e + 4] !== r.message.length || (r.hostname !== null && units[e + 2] !== r.hostname.length)) {
      throw new Error(`BUG: event ${r.id}'s texts are not those of its submission`);
    }
    const b = this.b;
    if (r.extra !== null && this.extraAt + r.extra.length * 3 > b.extras.length) {
      this.hashEvents();
      b.extras = atLeast(b.extras, r.extra.length * 3);
    }
    const j = this.inCall++ * NATIVE_NUMS;
    const nums = b.nums;
    nums[j] = r.id;
    nums[j + 1] = r.system_id;
    nums[j + 2] = r.generated_ms ?? NaN;
    nums[j + 3] = r.pri;
    nums[j + 4] = r.flags;
    nums[j + 5] = event;
    nums[j + 6] = r.hostname === null ? 0 : 1;
    if (r.extra === null) nums[j + 7] = NaN;
    else {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      this.extraAt += b.extras.write(r.extra, this.extraAt);
      nums[j + 7] = this.extraAt;
      nums[j + 8] = r.extra.length;
    }
    if (this.inCall === LEAVES_PER_CALL) this.hashEvents();
  }

  /** The submission's texts as UTF-8, in one call, and where each starts. */
  private encode(texts: SubmissionTexts): void {
    this.hashEvents();
    const b = this.b;
    if (b.starts.length <= texts.lengths.length) b.starts = new Uint32Array(texts.lengths.length * 2);
    let bytes = this.utf8(texts.text);
    if (!this.native.textStarts(bytes, texts.lengths, b.starts)) {
      // A surrogate pair split between two texts: each encoded apart, as the row has it (U+FFFD).
      const apart: string[] = [];
      let at = 0;
      for (const units of texts.lengths) apart.push(texts.text.slice(at, (at += units)).toWellFormed());
      bytes = this.utf8(apart.join(''));
      if (!this.native.textStarts(bytes, texts.lengths, b.starts)) throw new Error('BUG: a submission\'s texts do not divide by their lengths');
    }
    this.encoded = { texts, bytes };
  }

  private utf8(s: string): Buffer {
    const b = this.b;
    b.text = atLeast(b.text, s.length * 3);
    return b.text.subarray(0, b.text.write(s, 0));
  }

  private hashEvents(): void {
    if (this.inCall === 0) return;
    const { bytes, texts } = this.encoded!;
    const b = this.b;
    this.native.hashEvents(bytes, b.starts, texts.lengths, b.nums, b.extras, this.salts, this.inCall, this.n, b.leaves);
    this.n += this.inCall;
    this.inCall = 0;
    this.extraAt = 0;
  }

  /** The tags are a view of a buffer the next batch reuses: bind them (SQLite copies) before. */
  digest(h: BatchHeader) {
    this.hashEvents();
    if (this.n !== h.events) throw new Error(`BUG: ${this.n} leaves for a batch of ${h.events}`);
    this.encoded = undefined;
    const b = this.b;
    b.out = atLeast(b.out, h.events * TAG_BYTES + 32);
    spare = b;
    return batchDigestOfLeaves(this.native, h, b.leaves, b.out);
  }
}

/**
 * One batch being committed: a random salt key for it (day/0011), its events' salts derived from
 * the key at once (integrity/hash.ts batchSalts: one cipher call a batch, nothing stored a row),
 * and its leaves as they are inserted, hashed natively when the addon is built
 * (integrity/native.ts), else by Node's crypto: the same hashes either way. `seal` writes the chain
 * row; call it inside the events' transaction.
 */
// Salt keys drawn from the CSPRNG 64 at a time: a call costs ~2.5 µs, ~0.01 µs an event of an
// HTTPS drain's commit (a few hundred events).
const KEYS_A_DRAW = 64;
let drawnKeys = Buffer.alloc(0);
let keysTaken = 0;
function nextSaltKey(): Buffer {
  if (keysTaken === drawnKeys.length) {
    drawnKeys = randomBytes(SALT_KEY_BYTES * KEYS_A_DRAW);
    keysTaken = 0;
  }
  return drawnKeys.subarray(keysTaken, (keysTaken += SALT_KEY_BYTES));
}

export class BatchHasher {
  private readonly saltKey = nextSaltKey();
  private readonly leaves: Leaves;
  private n = 0;
  private firstId = 0;
  private lastId = 0;

  constructor(events: number, native: NativeDigest | null = nativeDigest ?? null) {
    const salts = batchSalts(this.saltKey, events);
    this.leaves = native ? new NativeLeaves(native, salts, events) : new HashedLeaves(salts);
  }

  /** Adds this event's leaf (events in id order): `row` as stored, its texts also event `event` of `texts`. */
  add(row: LeafColumns, texts: SubmissionTexts, event: number): void {
    if (this.n++ === 0) this.firstId = row.id;
    this.lastId = row.id;
    this.leaves.add(row, texts, event);
  }

  /** The batch's chain row, after `prev` (the previous batch's hash, or the day's link). */
  seal(insertChain: { run: (...args: unknown[]) => unknown }, day: string, batch: number, prev: string): void {
    const { hash, tags } = this.leaves.digest({ day, batch, firstId: this.firstId, lastId: this.lastId, events: this.n, prev });
    insertChain.run(batch, this.firstId, this.lastId, this.n, tags, prev, hash, this.saltKey);
  }
}
