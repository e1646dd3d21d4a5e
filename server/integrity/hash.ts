// The hashes of the tamper-evident store (docs/SECURITY.md, "Hash chain"): a leaf per event over
// every stored column and a salt of its own (derived from its batch's random key since day/0011;
// random and stored in its row before), and a chain hash per committed batch over the
// batch's leaves and the previous batch's hash. Pure: no SQL, no clock. The encoding is written
// out here so that anyone can re-implement `driftwood verify`.
import { createCipheriv, createHash, hash } from 'node:crypto';
import type { EventRow } from '../store/codec.ts';
import type { NativeDigest } from './native.ts';

/** The previous hash of the very first batch (and of a day whose predecessor had no chain). */
export const GENESIS = '0'.repeat(64);
export const SALT_BYTES = 16;
/** A batch's salt key (day/0011): its events' salts derive from it (batchSalts()). */
export const SALT_KEY_BYTES = 16;
/** Bytes of each leaf kept in the batch row: enough to name the event that changed (the chain hash covers the whole leaf). */
export const TAG_BYTES = 8;
const TAG_HEX = TAG_BYTES * 2;

/** The stored columns of an event, as the day file holds them. */
export type LeafColumns = EventRow;

// NULL is "-", a string is "<UTF-16 length>:<text>": no two column lists encode alike.
const text = (s: string | null) => (s === null ? '-' : `${s.length}:${s}`);
// Integers up to 2^53 as "<floor(n / 2^32)>.<n mod 2^32>" (decimal). V8 converts small integers
// (below 2^30: Smis on every platform) to text quickly and larger ones as doubles, several times
// slower, so a low half of 2^30 or more is written as two smaller parts with the same digits.
const TWO_32 = 4_294_967_296;
const SMI_MAX = 1_073_741_823;
const decimal = (n: number) => (n <= SMI_MAX ? `${n}` : `${Math.floor(n / 100_000)}${`${n % 100_000}`.padStart(5, '0')}`);
const int = (n: number) => `${Math.floor(n / TWO_32)}.${decimal(n >>> 0)}`;

/**
 * leaf = SHA-256 (of the UTF-8) of `salt|id|system_id|generated_ms|pri|flags|` followed by
 * source_ip, hostname, program, message and extra, each `-` (NULL) or `<length>:<text>`; salt in
 * lower-case hex, id and generated_ms as int() above (NULL: `-`), the others in decimal. The salt
 * keeps a short secret from being guessed from its leaf; redaction destroys it. One crypto.hash
 * call per event (a one-shot digest: a third of createHash's cost per call).
 */
export function leaf(saltHex: string, id: number, systemId: number, generatedMs: number | null, pri: number, flags: number, sourceIp: string, hostname: string | null, program: string, message: string, extra: string | null): string {
  return hash('sha256', leafText(saltHex, id, systemId, generatedMs, pri, flags, sourceIp, hostname, program, message, extra), 'hex');
}

/** The text a leaf hashes (leaf() above). */
export function leafText(saltHex: string, id: number, systemId: number, generatedMs: number | null, pri: number, flags: number, sourceIp: string, hostname: string | null, program: string, message: string, extra: string | null): string {
  return `${saltHex}|${int(id)}|${systemId}|${generatedMs === null ? '-' : int(generatedMs)}|${pri}|${flags}|${text(sourceIp)}${text(hostname)}${text(program)}${text(message)}${text(extra)}`;
}

export function leafHash(saltHex: string, r: LeafColumns): string {
  return leaf(saltHex, r.id, r.system_id, r.generated_ms, r.pri, r.flags, r.source_ip, r.hostname, r.program, r.message, r.extra);
}

/**
 * The salts of a batch's events since day/0011, 16 bytes an event: event k (0-based, in id order)
 * gets bytes 16k to 16k+15 of the AES-128-CTR keystream of the batch's random key (IV zero). Each
 * salt is as unpredictable as a random one to whoever lacks the key, and none reveals another:
 * redaction stores the batch's other salts and destroys the key (store/redact.ts). Drawing them
 * costs one cipher call a batch, and no row stores 16 bytes.
 */
export function batchSalts(key: Buffer, events: number): Buffer {
  if (zeros.length < events * SALT_BYTES) zeros = Buffer.alloc(Math.max(events * SALT_BYTES, zeros.length * 2));
  return createCipheriv('aes-128-ctr', key, ZERO_IV).update(zeros.subarray(0, events * SALT_BYTES));
}
// The keystream is the cipher of zeros: kept, never written (a fresh one each batch was 80 KB).
let zeros = Buffer.alloc(1 << 16);
const ZERO_IV = Buffer.alloc(16);

/** A committed batch of one day file, as its chain row records it. */
export interface BatchHeader {
  day: string;
  batch: number;
  firstId: number;
  lastId: number;
  events: number;
  prev: string;
}

const headerText = (h: BatchHeader) => `${h.prev}|${h.day}|${h.batch}|${h.firstId}|${h.lastId}|${h.events}|`;

/** chain hash = SHA-256 of `prev|day|batch|first_id|last_id|events|` and the leaves in id order (hex, concatenated). */
export function batchHash(h: BatchHeader, leavesHex: string): string {
  return hash('sha256', headerText(h) + leavesHex, 'hex');
}

/** The leading TAG_BYTES of each leaf, concatenated (the batch row's `tags`). */
export function tagsOf(leavesHex: string): Buffer {
  let tags = '';
  for (let i = 0; i < leavesHex.length; i += 64) tags += leavesHex.slice(i, i + TAG_HEX);
  return Buffer.from(tags, 'hex');
}

/**
 * batchHash() and tagsOf() of the leaves given in pieces (hex, concatenated, whole leaves each),
 * without joining them: a writer's batch of 5,000 leaves is a 320 KB string, which V8 allocates as
 * a large object (pages mapped and faulted in for every batch) and builds twice (once for the
 * tags, once more behind the header); pieces of a few hundred leaves stay in the young generation.
 */
export function batchDigest(h: BatchHeader, leafPieces: readonly string[]): { hash: string; tags: Buffer } {
  const digest = createHash('sha256').update(headerText(h));
  const tags = Buffer.allocUnsafe(h.events * TAG_BYTES);
  let at = 0;
  for (const piece of leafPieces) {
    digest.update(piece, 'latin1'); // hex: one byte a character, as UTF-8 would encode it
    const leaves = Buffer.from(piece, 'hex');
    for (let i = 0; i < leaves.length; i += 32) at += leaves.copy(tags, at, i, i + TAG_BYTES);
  }
  if (at !== tags.length) throw new Error(`BUG: ${at / TAG_BYTES} leaves for a batch of ${h.events}`);
  return { hash: digest.digest('hex'), tags };
}

/**
 * batchDigest() of the batch's leaves as bytes (32 each, in id order, from the start of `leaves`),
 * by the native digest, written to `out` (its tags, then its hash): the tags returned are a view
 * of `out`.
 */
export function batchDigestOfLeaves(native: NativeDigest, h: BatchHeader, leaves: Buffer, out: Buffer): { hash: string; tags: Buffer } {
  native.chainOf(Buffer.from(headerText(h), 'latin1'), leaves, h.events, out);
  return { hash: out.toString('hex', h.events * TAG_BYTES, h.events * TAG_BYTES + 32), tags: out.subarray(0, h.events * TAG_BYTES) };
}

export function tagOf(leafHex: string): string {
  return leafHex.slice(0, TAG_HEX);
}
