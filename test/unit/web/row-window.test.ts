import { describe, expect, test } from 'vitest';
import { rowWindow, scrollTopFor } from '../../../web/src/lib/row-window.ts';

const base = { rowHeight: 20, viewportHeight: 400, overscan: 5, atEnd: false };

describe('rowWindow', () => {
  const f = (count: number, scrollTop: number, want: [number, number], atEnd = false) =>
    expect(rowWindow({ ...base, count, scrollTop, atEnd })).toEqual({ start: want[0], end: want[1] });

  test('draws the rows in view and the overscan on each side', () => {
    f(1000, 0, [0, 26]); // 20 visible, +1 for a row cut at the bottom, +5 below
    f(1000, 2000, [95, 126]); // first visible is row 100
    f(1000, 2010, [95, 126]); // half a row further: the same rows
    f(1000, 19_600, [975, 1000]); // the end
  });

  test('following the newest row draws the last rows whatever the scroll offset says', () => {
    f(1000, 0, [975, 1000], true);
    f(10, 0, [0, 10], true);
  });

  test('an empty or short list draws what there is, and an offset past the end draws nothing new', () => {
    f(0, 0, [0, 0]);
    f(3, 0, [0, 3]);
    f(3, 5000, [0, 3]);
  });
});

describe('scrollTopFor', () => {
  const f = (index: number, align: 'center' | 'nearest', scrollTop: number, want: number, listTop = 0) =>
    expect(scrollTopFor(index, align, { rowHeight: 20, listTop, scrollTop, viewportHeight: 400 })).toBe(want);

  test('centre puts the row in the middle of the view (not above the top)', () => {
    f(100, 'center', 0, 1810);
    f(3, 'center', 500, 0);
  });

  test('nearest scrolls only when the row is out of view, and only as far as needed', () => {
    f(100, 'nearest', 1900, 1900); // in view: stays
    f(100, 'nearest', 2100, 2000); // above: to the top
    f(100, 'nearest', 1500, 1620); // below: to the bottom edge
  });

  test('rows that start below a header line are scrolled to where they really are', () => {
    f(100, 'nearest', 1500, 1640, 20);
    f(100, 'nearest', 2100, 2020, 20);
    f(100, 'center', 0, 1830, 20);
  });
});
