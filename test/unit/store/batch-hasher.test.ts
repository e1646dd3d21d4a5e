// A committed batch's chain row (store/chain.ts BatchHasher) is the same whether its leaves are
// hashed by the native batch digest (server/native, built by `npm install`) or by Node's crypto:
// both are checked against the documented encoding (integrity/hash.ts), on rows of every shape,
// long ones that outgrow the native path's first buffers, texts UTF-8 cannot carry, and batches
// drawn from several submissions (the native path reads the texts from there); and the salts are
// those the batch's key derives.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { batchHash, batchSalts, GENESIS, leafHash, tagsOf } from '../../../server/integrity/hash.ts';
import { NATIVE_ADDON, nativeDigest, nativeUnavailable, type NativeDigest } from '../../../server/integrity/native.ts';
import type { EventRow } from '../../../server/store/codec.ts';
import { BatchHasher, type SubmissionTexts } from '../../../server/store/chain.ts';

test('npm install built the native batch digest, and it loads', () => {
  expect(nativeUnavailable, `${NATIVE_ADDON}: run npm install (needs python3, make and g++)`).toBeUndefined();
  expect(typeof nativeDigest?.hashEvents).toBe('function');
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
  extra: fc.option(fc.oneof(fc.constantFrom('{"code":"503"}', '{}', '{"ü":"😀"}'), fc.string({ unit: 'binary', minLength: 1, maxLength: 30_000 })), { nil: null }),
  flags: fc.integer({ min: 0, max: 255 }),
});
const MAY_2026 = Date.parse('2026-05-30T00:00:00Z') * 1024;

/**
 * The rows' texts as the submissions they came in hold them (store/packed.ts): source_ip, the
 * system's name, hostname, program, message. `raw` texts where the rows have them well-formed.
 */
function submissionsOf(rows: EventRow[], sizes: number[], raw: (r: EventRow) => string[] = textsOf): { texts: SubmissionTexts; event: number }[] {
  const at: { texts: SubmissionTexts; event: number }[] = [];
  for (let first = 0, s = 0; first < rows.length; s++) {
    const size = sizes[s % sizes.length]!;
    const texts = rows.slice(first, (first += size)).flatMap(raw);
    const submission = { text: texts.join(''), lengths: Uint32Array.from(texts, (t) => t.length) };
    for (let event = 0; event < texts.length / 5; event++) at.push({ texts: submission, event });
  }
  return at;
}
const textsOf = (r: EventRow) => [r.source_ip, 'web-1', r.hostname ?? 'web-1', r.program, r.message];

/** The chain row BatchHasher writes for these rows, read from these submissions. */
function sealed(rows: EventRow[], native: NativeDigest | null, from = submissionsOf(rows, [rows.length])): unknown[] {
  const hasher = new BatchHasher(rows.length, native);
  rows.forEach((r, k) => hasher.add(r, from[k]!.texts, from[k]!.event));
  let chainRow: unknown[] = [];
  hasher.seal({ run: (...args) => (chainRow = args) }, '2026-05-30', 3, GENESIS);
  return chainRow;
}

/** The documented chain row of these rows with this key (integrity/hash.ts). */
function documented(rows: EventRow[], key: Buffer): unknown[] {
  const salts = batchSalts(key, rows.length).toString('hex');
  const leaves = rows.map((r, i) => leafHash(salts.slice(i * 32, (i + 1) * 32), r)).join('');
  const header = { day: '2026-05-30', batch: 3, firstId: rows[0]!.id, lastId: rows.at(-1)!.id, events: rows.length, prev: GENESIS };
  return [3, header.firstId, header.lastId, rows.length, tagsOf(leaves), GENESIS, batchHash(header, leaves), key];
}

test('the native digest and Node crypto write the documented chain row for the same rows', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }), (generated, sizes) => {
      let id = MAY_2026;
      const rows: EventRow[] = generated.map(({ gap, ...r }) => ({ id: (id += gap), ...r }));
      for (const native of [nativeDigest!, null]) {
        const chainRow = sealed(rows, native, submissionsOf(rows, sizes));
        // Each event's salt is its share of the batch key's keystream (day/0011).
        const key = chainRow[7] as Buffer;
        expect(key).toHaveLength(16);
        expect(chainRow).toEqual(documented(rows, key));
      }
    }),
    { numRuns: 60, seed: 14 },
  );
});

test('a surrogate pair split between two texts of a submission is hashed as the row stores it, each half U+FFFD', () => {
  // What toRow stores (store/codec.ts) of program "cron\ud83d" and message "\ude00 ran": well-formed.
  const rows: EventRow[] = [1, 2].map((n) => ({ id: MAY_2026 + n, system_id: 1, generated_ms: null, source_ip: '10.0.0.1', hostname: null, program: 'cron\ufffd', pri: 14, message: '\ufffd ran', extra: null, flags: 0 }));
  const raw = (r: EventRow) => [r.source_ip, 'web-1', 'web-1', 'cron\ud83d', '\ude00 ran'];
  const chainRow = sealed(rows, nativeDigest!, submissionsOf(rows, [2], raw));
  expect(chainRow).toEqual(documented(rows, chainRow[7] as Buffer));
});

test('the native digest refuses a row whose texts are not those of its submission', () => {
  const r: EventRow = { id: MAY_2026, system_id: 1, generated_ms: null, source_ip: '10.0.0.1', hostname: null, program: 'app', pri: 14, message: 'shorter', extra: null, flags: 0 };
  const from = submissionsOf([{ ...r, message: 'the message as it came' }], [1]);
  expect(() => sealed([r], nativeDigest!, from)).toThrow(/texts are not those of its submission/);
});

test('the native digest refuses offsets, counts and numbers past its buffers or its format instead of reading or writing beyond them', () => {
  const native = nativeDigest!;
  const text = Buffer.from('10.0.0.1webwebappmsg');
  const units = Uint32Array.of(8, 3, 3, 3, 3);
  const starts = new Uint32Array(6);
  expect(native.textStarts(text, units, starts)).toBe(true);
  expect([...starts]).toEqual([0, 8, 11, 14, 17, 20]);
  expect(native.textStarts(Buffer.from('ü😀'), Uint32Array.of(1, 2), new Uint32Array(3))).toBe(true);
  expect(native.textStarts(Buffer.from('a😀b'), Uint32Array.of(2, 2), new Uint32Array(3))).toBe(false); // a pair split between two texts
  expect(native.textStarts(Buffer.from('ü'), Uint32Array.of(3), new Uint32Array(2))).toBe(false); // more units than the text has
  expect(() => native.textStarts(text, units, new Uint32Array(5))).toThrow(/units.length \+ 1/);

  const [extras, salts, leaves] = [Buffer.from('{}'), Buffer.alloc(32), Buffer.alloc(64)];
  const nums = (...n: number[]) => Float64Array.from([1, 2, NaN, 3, 4, 0, 1, NaN, 0].map((v, i) => n[i] ?? v));
  const ok = nums();
  expect(() => native.hashEvents(text, starts, units, ok, extras, salts, 1, 0, leaves)).not.toThrow();
  expect(() => native.hashEvents(text, starts, units, ok, extras, salts, 2, 0, leaves)).toThrow(/count exceeds nums/);
  expect(() => native.hashEvents(text, starts, units, ok, extras, salts, 1, 2, leaves)).toThrow(/salts too small/);
  expect(() => native.hashEvents(text, starts, units, ok, extras, salts, 1, 1, Buffer.alloc(63))).toThrow(/leaves too small/);
  expect(() => native.hashEvents(text, starts, units, nums(1.5), extras, salts, 1, 0, leaves)).toThrow(/not a whole number/);
  expect(() => native.hashEvents(text, starts, units, nums(1, 2, NaN, 3, 4, 1), extras, salts, 1, 0, leaves)).toThrow(/an event past starts or units/);
  expect(() => native.hashEvents(text, starts, units, nums(1, 2, NaN, 3, 4, -1), extras, salts, 1, 0, leaves)).toThrow(/an event past starts or units/);
  expect(() => native.hashEvents(text, Uint32Array.of(0, 8, 11, 14, 21, 20), units, ok, extras, salts, 1, 0, leaves)).toThrow(/starts out of order or past the text/);
  expect(() => native.hashEvents(text, Uint32Array.of(0, 8, 11, 14, 17, 21), units, ok, extras, salts, 1, 0, leaves)).toThrow(/past the text/);
  expect(() => native.hashEvents(text, starts, units, nums(1, 2, NaN, 3, 4, 0, 1, 3, 2), extras, salts, 1, 0, leaves)).toThrow(/an extra out of order or past extras/);
  expect(() => native.chainOf(Buffer.from('h'), leaves, 3, Buffer.alloc(100))).toThrow(/count exceeds the leaves/);
  expect(() => native.chainOf(Buffer.from('h'), leaves, 2, Buffer.alloc(47))).toThrow(/out too small/);
});
