// Counts as the UI writes them: thousands grouped by commas, whatever the browser's locale.
import { expect, test } from 'vitest';
import { count } from '../../../web/src/lib/count.ts';

test('whole numbers are grouped by thousands, as en-US writes them', () => {
  for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 123_456_789, -1234, -999, Number.MAX_SAFE_INTEGER]) {
    expect(count(n)).toBe(n.toLocaleString('en-US'));
  }
});

test('what is not a whole number is written as it is, not grouped wrongly', () => {
  expect(count(1234.5)).toBe('1234.5');
  expect(count(Number.NaN)).toBe('NaN');
});
