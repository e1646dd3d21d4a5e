// Time seek as Papertrail's: natural phrases in the reader's zone (local or UTC), exact ISO times.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { parseTimePhrase } from '../../../shared/time-seek.ts';

// Saturday 2026-05-30 18:00:00 UTC.
const now = new Date('2026-05-30T18:00:00Z');
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env.TZ;
});
afterEach(() => {
  process.env.TZ = savedTz;
});

test('phrases are read in UTC when the reader chose UTC', () => {
  const f = (text: string, want: string | undefined) => expect(iso(parseTimePhrase(text, { now, utc: true })), text).toBe(want);
  f('4:06 pm', '2026-05-30T16:06:00.000Z');
  f('yesterday at 5:30pm', '2026-05-29T17:30:00.000Z');
  f('3 hours ago', '2026-05-30T15:00:00.000Z');
  f('2026-05-30 04:12:55', '2026-05-30T04:12:55.000Z');
  f('May 29 23:59', '2026-05-29T23:59:00.000Z');
  f('1780164000', '2026-05-30T18:00:00.000Z');
  f('2026-05-30T04:12:55+02:00', '2026-05-30T02:12:55.000Z');
});

test('phrases are read in the local zone by default (here America/New_York, UTC-4 in May)', () => {
  process.env.TZ = 'America/New_York';
  const f = (text: string, want: string) => expect(iso(parseTimePhrase(text, { now })), text).toBe(want);
  f('4:06 pm', '2026-05-30T20:06:00.000Z');
  f('2026-05-30 04:12:55', '2026-05-30T08:12:55.000Z');
  f('yesterday at 5:30pm', '2026-05-29T21:30:00.000Z');
  // Relative phrases do not depend on the zone.
  f('3 hours ago', '2026-05-30T15:00:00.000Z');
});

test('text that is not wholly a time is refused, not half-read', () => {
  for (const text of ['', '   ', 'error', 'error 5pm', 'status>=500', 'banana yesterday']) {
    expect(parseTimePhrase(text, { now, utc: true }), text).toBeUndefined();
  }
});
