// The native batch digest (server/native/batch_digest.c), built by `npm install` (package.json's
// install script, node-gyp). Optional: where it was not built or does not load, the chain is hashed
// by Node's crypto with the same results, ~1.5 us an event slower (docs/BENCHMARKS.md, Integrity).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Leaf i = SHA-256 of texts[ends[i-1], ends[i]); out gets count 8-byte tags, then the 32-byte batch hash. */
export type DigestBatch = (texts: Buffer, ends: Uint32Array, count: number, header: Buffer, out: Buffer) => void;

export const NATIVE_ADDON = fileURLToPath(new URL('../native/build/Release/batch_digest.node', import.meta.url));

function load(): { digestBatch: DigestBatch | undefined; unavailable?: string } {
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON) as { digestBatch?: unknown };
    if (typeof addon.digestBatch !== 'function') return { digestBatch: undefined, unavailable: `${NATIVE_ADDON} has no digestBatch` };
    return { digestBatch: addon.digestBatch as DigestBatch };
  } catch (e) {
    return { digestBatch: undefined, unavailable: (e as Error).message.split('\n')[0] };
  }
}

const native = load();

/** The native digest, or undefined (then `nativeUnavailable` says why). */
export const nativeDigestBatch = native.digestBatch;
export const nativeUnavailable = native.unavailable;
