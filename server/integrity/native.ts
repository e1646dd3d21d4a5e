// The native batch digest (server/native/batch_digest.c), built by `npm install` (package.json's
// install script, node-gyp). Optional: where it was not built or does not load, the chain is hashed
// by Node's crypto with the same results, ~0.5 us of CPU an event more (docs/BENCHMARKS.md, Integrity).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeDigest {
  /**
   * Where each of the texts in `text` (their UTF-8, one after the other) starts, from their lengths
   * in UTF-16 units: written to starts (at least units.length + 1 entries; the last the end). False when
   * they do not divide so (a surrogate pair split between two texts: encode them apart).
   */
  textStarts(text: Buffer, units: Uint32Array, starts: Uint32Array): boolean;
  /**
   * The leaves of events first … first + count − 1 of a batch, written to leaves from byte 32 first:
   * SHA-256 of leafText(). Each event's head is made from its 16 bytes of salts (from byte 16
   * first) and its numbers in nums (NATIVE_NUMS each: id, system_id, generated_ms or NaN, pri,
   * flags, see below); its tail from its submission's texts, where textStarts() found them (its
   * index in the submission, 1 if its hostname is stored, else NULL), and its extra (where it ends
   * in extras, NaN for NULL; its UTF-16 units).
   */
  hashEvents(text: Buffer, starts: Uint32Array, units: Uint32Array, nums: Float64Array, extras: Buffer, salts: Buffer, count: number, first: number, leaves: Buffer): void;
  /** out gets the first 8 bytes of each of count leaves, then SHA-256(header, then each leaf in hex). */
  chainOf(header: Buffer, leaves: Buffer, count: number, out: Buffer): void;
}

/**
 * Numbers of each event for hashEvents: id, system_id, generated_ms (NaN for NULL), pri, flags,
 * its index in its submission, hostname stored (1) or NULL (0), its extra's end in extras (NaN for
 * NULL) and its extra's UTF-16 units.
 */
export const NATIVE_NUMS = 9;

export const NATIVE_ADDON = fileURLToPath(new URL('../native/build/Release/batch_digest.node', import.meta.url));

function load(): { digest: NativeDigest | undefined; unavailable?: string } {
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON) as Partial<NativeDigest>;
    if (typeof addon.hashEvents !== 'function' || typeof addon.textStarts !== 'function' || typeof addon.chainOf !== 'function') return { digest: undefined, unavailable: `${NATIVE_ADDON} is of another version: run npm install` };
    return { digest: addon as NativeDigest };
  } catch (e) {
    return { digest: undefined, unavailable: (e as Error).message.split('\n')[0] };
  }
}

const native = load();

/** The native digest, or undefined (then `nativeUnavailable` says why). */
export const nativeDigest = native.digest;
export const nativeUnavailable = native.unavailable;
