import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_ALLOWANCE_BYTES, decodeFrame, neutralizeForTerminal, truncateMessage } from '../../../server/parse/normalize.ts';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeFrame', () => {
  const f = (input: Uint8Array, want: { text: string; flags: string[] }, max = 1000) => expect(decodeFrame(input, max)).toEqual(want);
  it('decodes ASCII and UTF-8 unchanged', () => {
    f(utf8('<13>hello'), { text: '<13>hello', flags: [] });
    f(utf8('grüße ✓ 😀'), { text: 'grüße ✓ 😀', flags: [] });
    f(bytes(), { text: '', flags: [] });
  });
  it('replaces invalid UTF-8 with U+FFFD and flags it', () => {
    f(bytes(0x61, 0xff, 0x62), { text: 'a\uFFFDb', flags: ['invalid_utf8'] });
    f(bytes(0xc3), { text: '\uFFFD', flags: ['invalid_utf8'] }); // cut sequence
    f(bytes(0xed, 0xa0, 0x80), { text: '\uFFFD\uFFFD\uFFFD', flags: ['invalid_utf8'] }); // encoded surrogate
  });
  it('cuts a frame far beyond the message cap at a character boundary', () => {
    const max = 10;
    const limit = max + FRAME_HEADER_ALLOWANCE_BYTES;
    const got = decodeFrame(utf8('é'.repeat(limit)), max); // 2 bytes each: the cut falls mid-character
    expect(got.flags).toEqual(['truncated']);
    expect(got.text).toBe('é'.repeat(Math.floor(limit / 2)));
    expect(decodeFrame(utf8('a'.repeat(limit)), max).flags).toEqual([]);
  });
});

describe('truncateMessage', () => {
  const f = (message: string, max: number, want: string, truncated: boolean) =>
    expect(truncateMessage(message, max)).toEqual({ text: want, flags: truncated ? ['truncated'] : [] });
  it('keeps messages that fit', () => {
    f('hello', 5, 'hello', false);
    f('', 0, '', false);
    f('ééé', 6, 'ééé', false);
  });
  it('cuts at a UTF-8 boundary and flags it', () => {
    f('hello', 4, 'hell', true);
    f('ééé', 5, 'éé', true);
    f('a😀b', 4, 'a', true); // the 4-byte emoji does not fit after 'a'
    f('😀😀', 4, '😀', true);
    f('😀😀', 3, '', true);
    f('a✓', 3, 'a', true);
    f('x'.repeat(100_000), 65536, 'x'.repeat(65536), true);
  });
});

describe('neutralizeForTerminal', () => {
  const f = (input: string, want: string) => expect(neutralizeForTerminal(input)).toBe(want);
  it('leaves printable text alone', () => {
    f('plain text ünï ✓ 😀 "quotes" \\ back', 'plain text ünï ✓ 😀 "quotes" \\ back');
  });
  it('makes line breaks, escapes and other controls visible', () => {
    f('a\nb\r\nc\td', 'a\\nb\\r\\nc\\td');
    f('\x1b[2J\x1b[31mred', '\\x1b[2J\\x1b[31mred');
    f('nul\x00bel\x07del\x7f', 'nul\\x00bel\\x07del\\x7f');
    f('csi\u009b31m', 'csi\\x9b31m');
    f('line\u2028sep', 'line\\u2028sep');
    f('bidi\u202eevil', 'bidi\\u202eevil');
  });
});
