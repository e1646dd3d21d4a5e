// Sealed blocks (store/block-codec.ts): whatever a row holds comes back exactly, and bytes that
// are not a block are refused rather than read as events.
import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { BLOCK_ROWS, decodeBlock, encodeBlock, type StoredRow } from '../../../server/store/block-codec.ts';

const MAY_2026 = Date.parse('2026-05-30T00:00:00Z') * 1024;
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const row = fc.record({
  gap: fc.integer({ min: 1, max: 5_000_000 }),
  systemId: fc.integer({ min: 1, max: 100_000 }),
  generated: fc.option(fc.integer({ min: -86_400_000 * 400, max: 86_400_000 }), { nil: null }),
  sourceIp: fc.constantFrom('10.0.0.1', '::1', '2001:db8::7', ''),
  hostname: fc.option(text, { nil: null }),
  program: text,
  pri: fc.integer({ min: 0, max: 191 }),
  message: fc.oneof(text, fc.constant(''), fc.constant('line\nwith\r\nbreaks and "quotes" \\ and \u0000 NUL'), fc.constant('\u001b[31mred\u001b[0m ünïcode 😀')),
  extra: fc.option(fc.constantFrom('{"code":"503"}', '{}', '{"a":"b\\"c"}'), { nil: null }),
  flags: fc.integer({ min: 0, max: 255 }),
  salt: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: null }),
});

test('a block gives back every column of every row, in position order', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: BLOCK_ROWS }), fc.integer({ min: 0, max: 50_000 }), (rows, block) => {
      let id = MAY_2026;
      const stored: StoredRow[] = rows.map((r, i) => {
        id += r.gap;
        const generated = r.generated === null ? null : Math.floor(id / 1024) + r.generated;
        return [id, r.systemId, generated, r.sourceIp, r.hostname, r.program, r.pri, r.message, r.extra, r.flags, r.salt && Buffer.from(r.salt), block * BLOCK_ROWS + 1 + i];
      });
      expect(decodeBlock(encodeBlock(stored))).toEqual(stored);
    }),
    { numRuns: 200, seed: 5 },
  );
});

test('rows that are not consecutive positions are refused, as is an empty block', () => {
  const r = (pos: number): StoredRow => [MAY_2026 + pos, 1, null, '10.0.0.1', null, 'app', 14, `line ${pos}`, null, 0, null, pos];
  expect(() => encodeBlock([r(1), r(3)])).toThrow(/not consecutive/);
  expect(() => encodeBlock([])).toThrow(/empty/);
});

test('bytes that are not a block are refused', () => {
  const f = (bytes: Buffer) => expect(() => decodeBlock(bytes)).toThrow();
  f(Buffer.from('not deflate at all'));
  f(deflateRawSync('{"format":2,"ids":[]}'));
  f(deflateRawSync('[1, 2, 3'));
  const block = encodeBlock([[MAY_2026, 1, null, '10.0.0.1', null, 'app', 14, 'hello', null, 0, null, 1]]);
  f(block.subarray(0, block.length - 3)); // cut short
});
