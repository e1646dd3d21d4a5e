// The native batch digest (server/native/batch_digest.c), built by `npm install` (package.json's
// install script, node-gyp). Optional: where it was not built or does not load, the chain is hashed
// by Node's crypto with the same results, ~0.5 us of CPU an event more (docs/BENCHMARKS.md, Integrity).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeDigest {
  /**
   * The leaves of events first … first + count − 1 of a batch, written to leaves from byte 32 first:
   * SHA-256 of leafText(), its head made from the event's 16 bytes of salts (from byte 16 first)
   * and its NATIVE_NUMS numbers in nums, its tail (leafTextTail()) the UTF-8 in
   * texts[ends[i-1], ends[i]) (the first from 0).
   */
  hashLeaves(texts: Buffer, ends: Uint32Array, nums: Float64Array, salts: Buffer, count: number, first: number, leaves: Buffer): void;
  /** out gets the first 8 bytes of each of count leaves, then SHA-256(header, then each leaf in hex). */
  chainOf(header: Buffer, leaves: Buffer, count: number, out: Buffer): void;
}

/** Numbers of each event for hashLeaves: id, system_id, generated_ms (NaN for NULL), pri, flags. */
export const NATIVE_NUMS = 5;

export const NATIVE_ADDON = fileURLToPath(new URL('../native/build/Release/batch_digest.node', import.meta.url));

function load(): { digest: NativeDigest | undefined; unavailable?: string } {
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON) as Partial<NativeDigest>;
    if (typeof addon.hashLeaves !== 'function' || typeof addon.chainOf !== 'function') return { digest: undefined, unavailable: `${NATIVE_ADDON} is of another version: run npm install` };
    return { digest: addon as NativeDigest };
  } catch (e) {
    return { digest: undefined, unavailable: (e as Error).message.split('\n')[0] };
  }
}

const native = load();

/** The native digest, or undefined (then `nativeUnavailable` says why). */
export const nativeDigest = native.digest;
export const nativeUnavailable = native.unavailable;
