// ANSI colours in messages become styled text segments, never markup; 24-bit colours too.
import { expect, test } from 'vitest';
import { ansiSegments, stripAnsi } from '../../../web/src/lib/ansi.ts';

test('SGR colours, bold and 24-bit/256-colour codes become segments with styles', () => {
  const segs = ansiSegments('\u001b[1;31mERROR\u001b[0m db \u001b[38;2;255;100;0mslow\u001b[0m \u001b[38;5;82mok\u001b[39m');
  expect(segs).toEqual([
    { text: 'ERROR', fg: 'var(--ansi-1)', bold: true },
    { text: ' db ' },
    { text: 'slow', fg: 'rgb(255, 100, 0)' },
    { text: ' ' },
    { text: 'ok', fg: 'rgb(95, 255, 0)' },
  ]);
});

test('a line without escapes is one plain segment, and markup stays text', () => {
  expect(ansiSegments('<img src=x onerror=alert(1)> & <b>')).toEqual([{ text: '<img src=x onerror=alert(1)> & <b>' }]);
});

test('other escape sequences are dropped and control characters shown as symbols, not obeyed', () => {
  expect(stripAnsi('a\u001b]0;pwned title\u0007b\u001b[2Jc\u001b[1Ad')).toBe('abcd');
  expect(stripAnsi('bell\u0007 cr\r nul\u0000')).toBe('bell\u2407 cr\u240d nul\u2400');
  expect(stripAnsi('tab\tkept')).toBe('tab\tkept');
});

test('inverse video swaps the colours', () => {
  expect(ansiSegments('\u001b[7mINV\u001b[0m')[0]).toMatchObject({ text: 'INV', fg: 'var(--ansi-0)', bg: 'var(--ansi-7)' });
});
