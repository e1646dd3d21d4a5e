// RFC 3164 ("BSD syslog") as real senders write it: `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`,
// with the year missing (inferred from the arrival time here), ISO timestamps (rsyslog, syslog-ng
// loggen) and a HOSTNAME that is often left out. Cisco's variant is cisco.ts.
// Also the PRI and timestamp helpers shared with rfc5424.ts and cisco.ts.

import type { ParsedLine, ParseOptions } from './types.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// Sender clocks drift: a year-less timestamp up to this far ahead of arrival is this year's, one
// further ahead was written last year (rsyslog#4765: Dec 31 received on Jan 1).
export const FUTURE_SKEW_MS = 2 * DAY_MS;
// The offset of a zone is looked up once per zone and quarter hour (all modern DST rules switch on
// a quarter hour); the cache is cleared when it holds this many entries.
const OFFSET_CACHE_MAX = 4096;
const OFFSET_BUCKET_MS = 15 * MINUTE_MS;
const FORMATTER_CACHE_MAX = 64;

const DEFAULT_FACILITY = 1; // user, as RFC 3164 §4.3.3 assumes for a message without PRI
const DEFAULT_SEVERITY = 5; // notice: `<13>`

export interface Pri {
  facility: number;
  severity: number;
  /** Index just after the closing '>'. */
  end: number;
}

/** RFC 5424 §6.2.1 / RFC 3164 §4.1.1 PRI: "<" 1*3DIGIT ">", 0..191 = facility * 8 + severity. */
export function parsePri(line: string): Pri | null {
  if (line.charCodeAt(0) !== 0x3c /* < */) return null;
  let value = 0;
  let i = 1;
  for (; i < line.length && i <= 4; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x3e /* > */) break;
    if (c < 0x30 || c > 0x39) return null;
    value = value * 10 + (c - 0x30);
  }
  if (i === 1 || i > 4 || line.charCodeAt(i) !== 0x3e || value > 191) return null;
  return { facility: value >> 3, severity: value & 7, end: i + 1 };
}

// ---- time -----------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat | null>();
const offsets = new Map<string, number>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    f = null; // not an IANA zone: read as UTC (config validates the zone; parsing must not throw)
  }
  if (formatters.size >= FORMATTER_CACHE_MAX) formatters.clear();
  formatters.set(timeZone, f);
  return f;
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (east positive). */
function zoneOffset(timeZone: string, ms: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const key = `${timeZone}|${Math.floor(ms / OFFSET_BUCKET_MS)}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const f = formatterFor(timeZone);
  let off = 0;
  if (f) {
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(ms)) p[part.type] = Number(part.value);
    off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
  }
  if (offsets.size >= OFFSET_CACHE_MAX) offsets.clear();
  offsets.set(key, off);
  return off;
}

/**
 * Unix ms of a wall-clock time in `timeZone` (`offsetMs` given: that fixed offset instead), or null
 * when a field is out of range (month 13, Feb 30). In a DST gap or overlap either instant may win.
 */
export function wallTimeToUtc(
  year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number,
  timeZone: string, offsetMs?: number,
): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (offsetMs !== undefined) return wall - offsetMs;
  const guess = wall - zoneOffset(timeZone, wall);
  const off = zoneOffset(timeZone, guess);
  return wall - off;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** Milliseconds from the 1–9 fraction digits of a BSD timestamp (Cisco `.123`, rsyslog `.123456`). */
function fractionMs(digits: string | undefined): number {
  return digits ? Number(`${digits}00`.slice(0, 3)) : 0; // truncated, as a string: no float rounding
}

export interface TimestampMatch {
  /** Unix ms, or null when the fields are out of range. */
  ms: number | null;
  /** Index after the timestamp. */
  end: number;
}

/** Value of `count` ASCII digits at `i`, or -1. */
function digitsAt(s: string, i: number, count: number): number {
  let v = 0;
  for (let k = i; k < i + count; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

const FRACTION_DIGITS_MAX = 9;

/**
 * An ISO 8601 timestamp starting exactly at `pos`; without an offset it is read in `timeZone`.
 * RFC 3339 as RFC 5424 §6.2.3 uses it, plus what senders really send: 1–9 fraction digits, ','
 * fractions, '+hhmm', a space for 'T' in RFC 3164 lines, no offset at all (syslog-ng loggen).
 * Hand-scanned: this runs once per line.
 */
export function readIsoTimestamp(line: string, pos: number, timeZone: string): TimestampMatch | null {
  const sep = line.charCodeAt(pos + 10);
  const year = digitsAt(line, pos, 4);
  const month = digitsAt(line, pos + 5, 2);
  const day = digitsAt(line, pos + 8, 2);
  const hour = digitsAt(line, pos + 11, 2);
  const minute = digitsAt(line, pos + 14, 2);
  const second = digitsAt(line, pos + 17, 2);
  if (
    year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
    line.charCodeAt(pos + 4) !== 0x2d || line.charCodeAt(pos + 7) !== 0x2d ||
    (sep !== 0x54 /* T */ && sep !== 0x74 /* t */ && sep !== 0x20) ||
    line.charCodeAt(pos + 13) !== 0x3a || line.charCodeAt(pos + 16) !== 0x3a
  ) return null;
  let i = pos + 19;
  let ms = 0;
  const dot = line.charCodeAt(i);
  if ((dot === 0x2e || dot === 0x2c) && digitsAt(line, i + 1, 1) >= 0) {
    let j = i + 1;
    while (j - i <= FRACTION_DIGITS_MAX && digitsAt(line, j, 1) >= 0) {
      if (j - i <= 3) ms += digitsAt(line, j, 1) * 10 ** (3 - (j - i)); // truncated to ms
      j++;
    }
    i = j;
  }
  let offsetMs: number | undefined;
  const z = line.charCodeAt(i);
  if (z === 0x5a /* Z */ || z === 0x7a /* z */) {
    offsetMs = 0;
    i++;
  } else if (z === 0x2b /* + */ || z === 0x2d /* - */) {
    const colon = line.charCodeAt(i + 3) === 0x3a ? 1 : 0;
    const oh = digitsAt(line, i + 1, 2);
    const om = digitsAt(line, i + 3 + colon, 2);
    if (oh >= 0 && om >= 0) {
      offsetMs = (z === 0x2d ? -1 : 1) * (oh * 60 + om) * MINUTE_MS;
      i += 5 + colon;
    }
  }
  return { ms: wallTimeToUtc(year, month, day, hour, minute, second, ms, timeZone, offsetMs), end: i };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 3164 §4.1.2 `Mmm dd hh:mm:ss` (day space-padded), with what devices add: a year before the
// time (Cisco `service timestamps log datetime year`), a fraction, and a UTC zone name.
const BSD = /([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: (UTC|GMT))?/y;

/** The year a year-less timestamp was written: the latest one not beyond now + FUTURE_SKEW_MS. */
function inferYear(fields: number[], opts: Pick<ParseOptions, 'now' | 'timeZone'>): number | null {
  const now = opts.now.getTime();
  const year = opts.now.getUTCFullYear();
  for (const y of [year + 1, year, year - 1]) {
    const t = wallTimeToUtc(y, fields[0]!, fields[1]!, fields[2]!, fields[3]!, fields[4]!, fields[5]!, opts.timeZone);
    if (t !== null && t <= now + FUTURE_SKEW_MS) return t;
  }
  return null;
}

/** A BSD timestamp (see BSD) starting exactly at `pos`. */
export function readBsdTimestamp(line: string, pos: number, opts: Pick<ParseOptions, 'now' | 'timeZone'>): TimestampMatch | null {
  BSD.lastIndex = pos;
  const m = BSD.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  if (month === 0) return null;
  const end = BSD.lastIndex;
  const fields = [month, +m[2]!, +m[4]!, +m[5]!, +m[6]!, fractionMs(m[7])];
  const tz = m[8] ? 'UTC' : opts.timeZone;
  if (m[3]) return { ms: wallTimeToUtc(+m[3], fields[0]!, fields[1]!, fields[2]!, fields[3]!, fields[4]!, fields[5]!, tz), end };
  return { ms: inferYear(fields, { now: opts.now, timeZone: tz }), end };
}

// ---- the line ------------------------------------------------------------------------------

const TAG_WITH_PID = /^([^\s[\]]+)\[([^\]]*)\]:?$/; // `sshd[123]:`, rsyslog forwarding drops ':'

/**
 * Parses an RFC 3164 line. Without a PRI, `<13>` is assumed (§4.3.3: a relay treats any text as
 * user.notice), so netcat's plain text is an ordinary event; a line with an invalid PRI
 * (`<999>`, `<abc>`) is returned raw with the flag `unparsed`.
 */
export function parseRfc3164(line: string, opts: Pick<ParseOptions, 'now' | 'timeZone'>): ParsedLine {
  const pri = parsePri(line);
  const out: ParsedLine = {
    facility: pri ? pri.facility : DEFAULT_FACILITY,
    severity: pri ? pri.severity : DEFAULT_SEVERITY,
    generatedAt: null, hostname: '', program: '', message: line, fields: {}, flags: [],
  };
  if (!pri && line.charCodeAt(0) === 0x3c && /^<[^>]{0,4}>/.test(line)) {
    out.flags.push('unparsed'); // `<999>`, `<abc>`: a PRI was meant but is not one
    return out;
  }
  let pos = pri ? pri.end : 0;
  // Without a PRI only a 'T' makes a date the syslog timestamp: `2020-05-30 16:24:40,438 ERROR …`
  // is Python logging, whose level word must stay in the message.
  const isoOk = pri !== null || line.charCodeAt(pos + 10) === 0x54 /* T */;
  const ts = readBsdTimestamp(line, pos, opts) ?? (isoOk ? readIsoTimestamp(line, pos, opts.timeZone) : null);
  if (!ts && !pri) return out; // plain text: all of it is the message
  if (ts) {
    out.generatedAt = ts.ms;
    pos = ts.end;
    while (line.charCodeAt(pos) === 0x20) pos++;
  }
  let token = nextToken(line, pos);
  // A HOSTNAME never ends with ':' or contains '[': that token is already the TAG.
  if (ts && token && !token.text.endsWith(':') && !token.text.includes('[')) {
    out.hostname = token.text;
    pos = token.next;
    token = nextToken(line, pos);
  }
  if (token) {
    const withPid = TAG_WITH_PID.exec(token.text);
    if (withPid) {
      out.program = withPid[1]!;
      out.fields.procid = withPid[2]!;
      pos = token.next;
    } else if (token.text.length > 1 && token.text.endsWith(':') && !/^\d+:$/.test(token.text)) {
      out.program = token.text.slice(0, -1);
      pos = token.next;
    }
  }
  out.message = line.slice(pos);
  return out;
}

/** The space-delimited token at `pos`, and the index after it and one following space. */
function nextToken(line: string, pos: number): { text: string; next: number } | null {
  if (pos >= line.length) return null;
  const sp = line.indexOf(' ', pos);
  const end = sp < 0 ? line.length : sp;
  if (end === pos) return null;
  return { text: line.slice(pos, end), next: sp < 0 ? end : end + 1 };
}
