// Search results carry each event's times as ISO 8601 and Papertrail's display form, formatted from
// the event's UTC day (store/times.ts): they must read exactly as Date formats them, whatever the instant.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { displayTime } from '../../../shared/event.ts';
import { displayTimeOf, isoTime } from '../../../server/store/times.ts';

const f = (ms: number) => {
  expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  expect(displayTimeOf(ms)).toBe(displayTime(ms));
};

test('event times read as Date gives them at day, month, year and leap-day edges, and before 1970 or after 9999', () => {
  for (const iso of ['1970-01-01T00:00:00.000Z', '2026-05-30T23:59:59.999Z', '2026-05-31T00:00:00.000Z', '2024-02-29T12:34:56.789Z', '2026-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z']) f(Date.parse(iso));
  for (const ms of [-1, -86_400_001, Date.UTC(10_000, 0, 1), Date.UTC(1, 0, 1), 1.5]) f(ms);
});

test('event times read as Date gives them for any instant, in any order', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 20 }), (instants) => instants.forEach(f)), { numRuns: 300 });
});
