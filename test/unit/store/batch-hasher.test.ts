// A committed batch's chain row (store/chain.ts BatchHasher) is the same whether its leaves are
// hashed by the native batch digest (server/native, built by `npm install`) or by Node's crypto:
// both are checked against the documented encoding (integrity/hash.ts), on rows of every shape,
// long ones that outgrow the native path's first buffer, and texts UTF-8 cannot carry; and the
// salts are those the batch's key derives.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { batchHash, batchSalts, GENESIS, leafHash, tagsOf } from '../../../server/integrity/hash.ts';
import { NATIVE_ADDON, nativeDigest, nativeUnavailable, type NativeDigest } from '../../../server/integrity/native.ts';
import type { EventRow } from '../../../server/store/codec.ts';
import { BatchHasher } from '../../../server/store/chain.ts';

test('npm install built the native batch digest, and it loads', () => {
  expect(nativeUnavailable, `${NATIVE_ADDON}: run npm install (needs python3, make and g++)`).toBeUndefined();
  expect(typeof nativeDigest?.hashLeaves).toBe('function');
});

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const row = fc.record({
  gap: fc.integer({ min: 1, max: 5_000_000 }),
  system_id: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.maxSafeNat()),
  generated_ms: fc.option(fc.oneof(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.double({ min: -1e13, max: 1e13, noNaN: true }), fc.constantFrom(2 ** 32 - 1, 2 ** 32, -1, -0.5, 2 ** 53 - 1)), { nil: null }),
  source_ip: fc.constantFrom('10.0.0.1', '::1', ''),
  hostname: fc.option(text, { nil: null }),
  program: text,
  pri: fc.integer({ min: 0, max: 191 }),
  message: fc.oneof(
    text,
    fc.constant(''),
    fc.constant('half a pair: \ud83d, NUL \u0000, ünïcode 😀 ✓'),
    fc.string({ unit: 'binary', minLength: 1_000, maxLength: 3_000 }), // longer than the buffer's guess a row
  ),
  extra: fc.option(fc.constantFrom('{"code":"503"}', '{}'), { nil: null }),
  flags: fc.integer({ min: 0, max: 255 }),
});
const MAY_2026 = Date.parse('2026-05-30T00:00:00Z') * 1024;

/** The chain row BatchHasher writes for these rows. */
function sealed(rows: EventRow[], native: NativeDigest | null): unknown[] {
  const hasher = new BatchHasher(rows.length, native);
  for (const r of rows) hasher.add(r);
  let chainRow: unknown[] = [];
  hasher.seal({ run: (...args) => (chainRow = args) }, '2026-05-30', 3, GENESIS);
  return chainRow;
}

test('the native digest and Node crypto write the documented chain row for the same rows', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 600 }), (generated) => {
      let id = MAY_2026;
      const rows: EventRow[] = generated.map(({ gap, ...r }) => ({ id: (id += gap), ...r }));
      for (const native of [nativeDigest!, null]) {
        const chainRow = sealed(rows, native);
        // Each event's salt is its share of the batch key's keystream (day/0011).
        const key = chainRow[7] as Buffer;
        expect(key).toHaveLength(16);
        const salts = batchSalts(key, rows.length).toString('hex');
        const leaves = rows.map((r, i) => leafHash(salts.slice(i * 32, (i + 1) * 32), r)).join('');
        const header = { day: '2026-05-30', batch: 3, firstId: rows[0]!.id, lastId: rows.at(-1)!.id, events: rows.length, prev: GENESIS };
        expect(chainRow).toEqual([3, header.firstId, header.lastId, rows.length, tagsOf(leaves), GENESIS, batchHash(header, leaves), key]);
      }
    }),
    { numRuns: 60, seed: 14 },
  );
});

test('the native digest refuses offsets, counts and numbers past its buffers or its format instead of reading or writing beyond them', () => {
  const native = nativeDigest!;
  const [texts, salts, leaves] = [Buffer.from('abc'), Buffer.alloc(32), Buffer.alloc(64)];
  const nums = Float64Array.of(1, 2, NaN, 3, 4, 5, 6, 7, 8, 9);
  expect(() => native.hashLeaves(texts, Uint32Array.of(4), nums, salts, 1, 0, leaves)).toThrow(/ends out of order or past the texts/);
  expect(() => native.hashLeaves(texts, Uint32Array.of(2, 1), nums, salts, 2, 0, leaves)).toThrow(/ends out of order/);
  expect(() => native.hashLeaves(texts, Uint32Array.of(3), nums, salts, 2, 0, leaves)).toThrow(/count exceeds ends or nums/);
  expect(() => native.hashLeaves(texts, Uint32Array.of(1, 2, 3), nums, salts, 3, 0, leaves)).toThrow(/count exceeds ends or nums/);
  expect(() => native.hashLeaves(texts, Uint32Array.of(3), nums, salts, 1, 2, leaves)).toThrow(/salts too small/);
  expect(() => native.hashLeaves(texts, Uint32Array.of(3), nums, salts, 1, 1, Buffer.alloc(63))).toThrow(/leaves too small/);
  expect(() => native.hashLeaves(texts, Uint32Array.of(3), Float64Array.of(1.5, 2, NaN, 3, 4), salts, 1, 0, leaves)).toThrow(/not a whole number/);
  expect(() => native.chainOf(Buffer.from('h'), leaves, 3, Buffer.alloc(100))).toThrow(/count exceeds the leaves/);
  expect(() => native.chainOf(Buffer.from('h'), leaves, 2, Buffer.alloc(47))).toThrow(/out too small/);
});
