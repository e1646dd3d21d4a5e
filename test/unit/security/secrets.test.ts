import { expect, test } from 'vitest';
import { csrfTokenFor, newSetupCode, safeEqual, setupCodeMatches } from '../../../server/security/secrets.ts';

test('setup codes are XXXX-XXXX in Crockford base 32 and differ each time', () => {
  const codes = new Set(Array.from({ length: 50 }, newSetupCode));
  expect(codes.size).toBe(50);
  for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
});

test('a typed setup code matches regardless of case, dashes, spaces and O/0, I/1 confusion', () => {
  const f = (typed: string, want: boolean) => expect(setupCodeMatches(typed, 'A0B1-C2D3')).toBe(want);
  f('A0B1-C2D3', true);
  f('a0b1c2d3', true);
  f(' aob1 c2d3 ', true);
  f('A0BI-C2D3', true);
  f('A0B1-C2D4', false);
  f('', false);
});

test('CSRF tokens are per session and reveal nothing of the session id', () => {
  const a = csrfTokenFor('session-a');
  expect(a).toBe(csrfTokenFor('session-a'));
  expect(a).not.toBe(csrfTokenFor('session-b'));
  expect(a).not.toContain('session-a');
  expect(a).toMatch(/^[\w-]{43}$/);
});

test('safeEqual', () => {
  expect(safeEqual('abc', 'abc')).toBe(true);
  expect(safeEqual('abc', 'abd')).toBe(false);
  expect(safeEqual('abc', 'abcd')).toBe(false);
});
