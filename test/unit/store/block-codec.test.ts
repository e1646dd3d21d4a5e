// Sealed blocks (store/block-codec.ts): whatever a row holds comes back exactly, in the format
// written now (leaf texts) and in the one the first sealing version wrote (JSON of the columns);
// a block's leaf texts are the ones verify would build from its rows; and bytes that are not a
// block are refused rather than read as events.
import fc from 'fast-check';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { leafText } from '../../../server/integrity/hash.ts';
import { BLOCK_ROWS, decodeBlock, encodeBlock, openBlock, type StoredRow } from '../../../server/store/block-codec.ts';
import { formatOneBlock } from '../../helpers/block-format-one.ts';

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

type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;
const rowsOf = (rows: Row[], block: number): StoredRow[] => {
  let id = MAY_2026;
  return rows.map((r, i) => {
    id += r.gap;
    const generated = r.generated === null ? null : Math.floor(id / 1024) + r.generated;
    return [id, r.systemId, generated, r.sourceIp, r.hostname, r.program, r.pri, r.message, r.extra, r.flags, r.salt && Buffer.from(r.salt), block * BLOCK_ROWS + 1 + i];
  });
};
// A row without a salt (derived from its batch's key, redacted, or from before the chain) has an empty one.
const leafTextOf = (r: StoredRow) => leafText(r[10]?.toString('hex') ?? '', r[0], r[1], r[2], r[6], r[9], r[3], r[4], r[5], r[7], r[8]);

test('a block gives back every column of every row, in position order, and its leaf texts as verify builds them', () => {
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: BLOCK_ROWS }), fc.integer({ min: 0, max: 50_000 }), (rows, block) => {
      const stored = rowsOf(rows, block);
      for (const bytes of [encodeBlock(stored), formatOneBlock(stored)]) {
        expect(decodeBlock(bytes)).toEqual(stored);
        const opened = openBlock(bytes);
        expect(opened.ids).toEqual(stored.map((r) => r[0]));
        expect(stored.map((_, i) => opened.leafText(i))).toEqual(stored.map(leafTextOf));
      }
    }),
    { numRuns: 200, seed: 5 },
  );
});

test('a text that UTF-8 cannot carry (a lone surrogate) is kept exactly, in a format-1 block', () => {
  const stored: StoredRow[] = [[MAY_2026, 1, null, '10.0.0.1', null, 'app', 14, 'half a pair: \ud83d', null, 0, Buffer.alloc(16, 7), 1]];
  const bytes = encodeBlock(stored);
  expect(inflateRawSync(bytes).toString('utf8')).toMatch(/^\{"format":1,/);
  expect(decodeBlock(bytes)).toEqual(stored);
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
  f(deflateRawSync('2|1|5\nabc')); // shorter than its length says
  f(deflateRawSync('2|1|14\n|1.0|1|-|13|0|')); // a row cut short after its numbers
  f(deflateRawSync('2|x|1\n-')); // no first position
  const block = encodeBlock([[MAY_2026, 1, null, '10.0.0.1', null, 'app', 14, 'hello', null, 0, null, 1]]);
  f(block.subarray(0, block.length - 3)); // cut short
});

test('a block whose text was changed anywhere gives rows or an error, never a hang or a crash', () => {
  const stored = rowsOf(
    Array.from({ length: 8 }, (_, i) => ({ gap: 1 + i, systemId: 3, generated: i % 2 ? null : -5, sourceIp: '10.0.0.1', hostname: i % 3 ? null : 'web-1', program: 'app', pri: 14, message: `line ${i} at=info status=200`, extra: i % 4 ? null : '{}', flags: 0, salt: i % 5 ? new Uint8Array(16).fill(i) : null })),
    7,
  );
  const text = inflateRawSync(encodeBlock(stored)).toString('utf8');
  fc.assert(
    fc.property(fc.nat({ max: text.length - 1 }), fc.constantFrom('', '|', '-', ':', '.', '9', '0', 'x', '\n', '99999999999999999999'), (at, insert) => {
      const changed = deflateRawSync(text.slice(0, at) + insert + text.slice(at + 1));
      let rows: StoredRow[];
      try {
        rows = decodeBlock(changed);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        return;
      }
      expect(rows).toHaveLength(stored.length);
    }),
    { numRuns: 2000, seed: 11 },
  );
});
