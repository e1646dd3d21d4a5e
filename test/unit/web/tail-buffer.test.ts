// The viewer's window of loaded events: contiguous, every match once, gaps filled in order,
// memory bounded by a cap whose far end is let go and fetched again.
import { expect, test } from 'vitest';
import type { Event } from '../../../shared/event.ts';
import { appendLive, appendNewer, emptyBuffer, fillGap, noteGap, prependOlder, resetBuffer, rowsMovedBy, type BufferState } from '../../../web/src/lib/tail-buffer.ts';

const ev = (id: number) => ({ id: String(id), message: `line ${id}` }) as Event;
const evs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const ids = (s: BufferState) => s.events.map((e) => Number(e.id));

test('live events append in order, once, across overlapping batches', () => {
  let s = resetBuffer(evs(1, 3), { hasOlder: false, hasNewer: false });
  s = appendLive(s, evs(3, 5), { following: true });
  s = appendLive(s, evs(5, 6), { following: true });
  expect(ids(s)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(s.unseen).toBe(0);
});

test('ids compare as 64-bit numbers, not as text', () => {
  let s = resetBuffer([ev(999)], { hasOlder: false, hasNewer: false });
  s = appendLive(s, [ev(1000)], { following: true });
  expect(ids(s)).toEqual([999, 1000]);
});

test('while paused, new lines are kept and counted, and Resume has nothing to fetch', () => {
  let s = resetBuffer(evs(1, 2), { hasOlder: false, hasNewer: false });
  s = appendLive(s, evs(3, 4), { following: false });
  s = appendLive(s, evs(5, 5), { following: false });
  expect(s.unseen).toBe(3);
  expect(ids(s)).toEqual([1, 2, 3, 4, 5]);
  expect(s.hasNewer).toBe(false);
});

test('following past the cap lets the oldest lines go, and scroll back can fetch them again', () => {
  let s = resetBuffer(evs(1, 8), { hasOlder: false, hasNewer: false });
  s = appendLive(s, evs(9, 12), { following: true, cap: 10 });
  expect(ids(s)).toEqual(evs(3, 12).map((e) => Number(e.id)));
  expect(s.hasOlder).toBe(true);
  const state = prependOlder(s, evs(1, 2), true, 20);
  expect(rowsMovedBy(s, state)).toBe(2);
  expect(ids(state)[0]).toBe(1);
  expect(state.hasOlder).toBe(false);
});

test('paused past the cap keeps the rows under the reader and only counts the rest', () => {
  let s = resetBuffer(evs(1, 8), { hasOlder: false, hasNewer: false });
  s = appendLive(s, evs(9, 12), { following: false, cap: 10 });
  expect(ids(s)).toEqual(evs(1, 10).map((e) => Number(e.id)));
  expect(s.hasNewer).toBe(true);
  s = appendLive(s, evs(13, 15), { following: false, cap: 10 });
  expect(ids(s).at(-1)).toBe(10);
  expect(s.unseen).toBe(7);
});

test('a skipped range holds later live lines until it is fetched, then all appear in order', () => {
  let s = resetBuffer(evs(1, 2), { hasOlder: false, hasNewer: false });
  s = noteGap(s, { minId: '2', maxId: '6' });
  s = appendLive(s, evs(6, 7), { following: true });
  expect(ids(s)).toEqual([1, 2]);
  s = fillGap(s, { minId: '2', maxId: '6' }, [ev(5), ev(3), ev(4), ev(2), ev(6)], { following: true });
  expect(ids(s)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(s.gaps).toEqual([]);
  expect(s.held).toEqual([]);
});

test('two skipped ranges are filled independently, lines between them released in order', () => {
  let s = resetBuffer(evs(1, 1), { hasOlder: false, hasNewer: false });
  s = noteGap(s, { minId: '1', maxId: '4' });
  s = appendLive(s, evs(4, 5), { following: false });
  s = noteGap(s, { minId: '5', maxId: '8' });
  s = appendLive(s, evs(8, 8), { following: false });
  s = fillGap(s, { minId: '1', maxId: '4' }, evs(2, 3), { following: false });
  expect(ids(s)).toEqual([1, 2, 3, 4, 5]);
  s = fillGap(s, { minId: '5', maxId: '8' }, evs(6, 7), { following: false });
  expect(ids(s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(s.unseen).toBe(7);
});

test('forward pages after a seek grow the bottom until the end is reached', () => {
  let s = resetBuffer(evs(1, 3), { hasOlder: true, hasNewer: true });
  s = appendLive(s, evs(10, 11), { following: false });
  expect(ids(s)).toEqual([1, 2, 3]);
  expect(s.unseen).toBe(2);
  s = appendNewer(s, evs(3, 6), true);
  expect(ids(s)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(s.hasNewer).toBe(false);
  expect(emptyBuffer().events).toEqual([]);
});

test('the reader\'s rows move down by an older page and up by the rows the cap let go, within one window', () => {
  const loaded = resetBuffer(evs(1001, 1100), { hasOlder: true, hasNewer: false });
  const older = prependOlder(loaded, evs(901, 1000), false);
  expect(rowsMovedBy(loaded, older)).toBe(100);
  const capped = appendNewer(older, evs(1101, 1130), true, 200);
  expect(ids(capped)[0]).toBe(931);
  expect(rowsMovedBy(older, capped)).toBe(-30);
  expect(rowsMovedBy(loaded, capped)).toBe(70);
  // While following, the live tail lets the top go past the cap.
  const live = appendLive(capped, evs(1131, 1140), { following: true, cap: 200 });
  expect(rowsMovedBy(capped, live)).toBe(-10);
  expect(rowsMovedBy(live, appendLive(live, evs(1141, 1145), { following: false, cap: 300 }))).toBe(0);
  // A new search (or seek, or permalink) is a new window, even when it holds the old rows.
  expect(rowsMovedBy(older, resetBuffer(evs(1, 2000), { hasOlder: false, hasNewer: false }, older))).toBe(0);
});
