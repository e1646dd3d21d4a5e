// Byte-level normalisation around the parsers: decode a frame (invalid UTF-8 kept visible as
// U+FFFD and flagged), cap message size at a UTF-8 boundary, and neutralise control characters
// where text reaches a terminal or a one-line log.

import type { EventFlag } from '../../shared/event.ts';

export interface Normalized {
  text: string;
  flags: EventFlag[];
}

// Headroom over the message cap for the syslog header and STRUCTURED-DATA when a huge frame is cut
// before decoding, so the message itself still gets its full maxMessageBytes (RFC 5424 §6.1 caps
// HOSTNAME/APP-NAME/PROCID/MSGID at 255+48+128+32 bytes; SD gets the rest).
export const FRAME_HEADER_ALLOWANCE_BYTES = 8192;

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * Decodes one complete frame as UTF-8 (RFC 5424 §6.4 MSG is UTF-8 when it starts with a BOM, and in
 * practice always). Invalid sequences become U+FFFD with the flag `invalid_utf8`. A frame much
 * longer than `maxMessageBytes` is cut first (at a character boundary) and flagged `truncated`.
 */
export function decodeFrame(bytes: Uint8Array, maxMessageBytes: number): Normalized {
  const flags: EventFlag[] = [];
  const limit = maxMessageBytes + FRAME_HEADER_ALLOWANCE_BYTES;
  if (bytes.length > limit) {
    bytes = bytes.subarray(0, utf8Boundary(bytes, limit));
    flags.push('truncated');
  }
  try {
    return { text: strictDecoder.decode(bytes), flags };
  } catch {
    flags.push('invalid_utf8');
    return { text: lenientDecoder.decode(bytes), flags };
  }
}

/** Largest cut ≤ `at` that does not split a UTF-8 sequence (does not land on a continuation byte). */
function utf8Boundary(bytes: Uint8Array, at: number): number {
  let i = at;
  // A sequence is at most 4 bytes, so at most 3 continuation bytes precede a cut.
  while (i > 0 && at - i < 3 && (bytes[i]! & 0xc0) === 0x80) i--;
  return (bytes[i]! & 0xc0) === 0x80 ? at : i;
}

let scratch = new Uint8Array(0);

/**
 * Cuts `message` to at most `maxBytes` UTF-8 bytes without splitting a character, flagging
 * `truncated` when anything was cut (DESIGN 1: longer messages are truncated, not dropped).
 */
export function truncateMessage(message: string, maxBytes: number): Normalized {
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes, so short strings need no measuring.
  if (message.length * 3 <= maxBytes) return { text: message, flags: [] };
  // Every code unit takes at least one byte: only the first maxBytes units can fit. A surrogate
  // pair cut in half there cannot fit either (4 bytes after ≥ maxBytes - 1), so drop its half.
  let head = message.length > maxBytes ? message.slice(0, maxBytes) : message;
  if (head.length > 0 && head !== message && isHighSurrogate(head.charCodeAt(head.length - 1))) head = head.slice(0, -1);
  if (scratch.length < maxBytes) scratch = new Uint8Array(maxBytes);
  // encodeInto never writes a partial character, so `read` ends on a character boundary.
  const { read } = encoder.encodeInto(head, scratch.subarray(0, Math.max(0, maxBytes)));
  if (head === message && read === message.length) return { text: message, flags: [] };
  return { text: message.slice(0, read), flags: ['truncated'] };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph separators and bidi
// overrides ("Trojan Source", CVE-2021-42574): anything that moves the cursor or reorders text.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Makes `s` safe for a terminal or a single-line log: CR/LF/TAB become `\r` `\n` `\t`, other control
 * characters `\xHH` (ESC → `\x1b`, which defuses ANSI sequences such as `ESC [2J`), and Unicode
 * separators/bidi controls `\uHHHH`. Printable text is unchanged.
 */
export function neutralizeForTerminal(s: string): string {
  if (!UNSAFE_TEST.test(s)) return s;
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
