// The leaf encoding is a format: verify recomputes leaves written by older versions, and anyone may
// re-implement it from hash.ts's comment. These cases pin it to the documented text.
import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { batchDigest, batchHash, leaf, tagsOf } from '../../../server/integrity/hash.ts';

const SALT = '00112233445566778899aabbccddeeff';
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

test('a leaf is SHA-256 of the documented encoding, for ids and times of every size', () => {
  const f = (id: number, generatedMs: number | null, hostname: string | null, extra: string | null, encoded: string) =>
    expect(leaf(SALT, id, 3, generatedMs, 190, 5, '10.0.0.1', hostname, 'app/web.1', 'GET /ü 200 ✓ 😀', extra), encoded).toBe(sha256(`${SALT}|${encoded}`));
  const rest = '|3|';
  const tail = '|190|5|8:10.0.0.1';
  f(1, null, null, null, `0.1${rest}-${tail}-9:app/web.115:GET /ü 200 ✓ 😀-`);
  f(7711582041804800, 1780156800000, 'web-1', '{"a":"b"}', `1795492.2621575168${rest}414.2040339456${tail}5:web-19:app/web.115:GET /ü 200 ✓ 😀9:{"a":"b"}`);
  // Low halves around 2^30, where the conversion to text changes method, and zeros inside.
  f(2 ** 32 + 1_073_741_823, 1_073_741_824, null, null, `1.1073741823${rest}0.1073741824${tail}-9:app/web.115:GET /ü 200 ✓ 😀-`);
  f(2 ** 53 - 1, 4_294_967_295, null, null, `2097151.4294967295${rest}0.4294967295${tail}-9:app/web.115:GET /ü 200 ✓ 😀-`);
  f(1_073_800_005, 0, null, null, `0.1073800005${rest}0.0${tail}-9:app/web.115:GET /ü 200 ✓ 😀-`);
});

test('leaves written before this version still compute to the same hash', () => {
  // Recorded with the first release of the chain (issue 14).
  expect(leaf(SALT, 1, 1, null, 190, 5, '10.0.0.1', null, 'app/web.1', 'GET /ü 200 ✓ 😀', null)).toBe('47a0b216d88133d5c06ee6f23d45f13071bfd6aeaa5b9cbde43390556bf0f45b');
  expect(leaf(SALT, 7711582041804800, 3, 1780156800000, 190, 5, '10.0.0.1', 'web-1', 'app/web.1', 'GET /ü 200 ✓ 😀', '{"a":"b"}')).toBe('a3a8fced439f8fdb68d8abb24914ba0d45fe237d870fcaa82e44924da4e2052d');
});

test('a batch hashed from its leaves in pieces has the hash and tags of its leaves joined', () => {
  const leaves = Array.from({ length: 700 }, (_, i) => sha256(`leaf ${i}`));
  const header = { day: '2026-12-06', batch: 7, firstId: 11, lastId: 9_000, events: leaves.length, prev: sha256('prev') };
  const joined = leaves.join('');
  for (const size of [1, 255, 256, 700]) {
    const pieces: string[] = [];
    for (let i = 0; i < leaves.length; i += size) pieces.push(leaves.slice(i, i + size).join(''));
    const { hash, tags } = batchDigest(header, pieces);
    expect(hash, `pieces of ${size}`).toBe(batchHash(header, joined));
    expect(tags.equals(tagsOf(joined)), `pieces of ${size}`).toBe(true);
  }
  // The documented encoding, spelled out once.
  expect(batchHash(header, joined)).toBe(sha256(`${header.prev}|2026-12-06|7|11|9000|700|${joined}`));
  expect(tagsOf(joined).toString('hex')).toBe(leaves.map((l) => l.slice(0, 16)).join(''));
  expect(() => batchDigest({ ...header, events: 701 }, [joined])).toThrow(/700 leaves for a batch of 701/);
});
