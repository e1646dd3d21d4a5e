// Cisco IOS and ASA syslog lines, which follow neither RFC (Cisco IOS "System Message Format";
// ASA "Syslog Message Format"):
//   <189>123: *Mar  1 00:00:15.123: %SYS-5-CONFIG_I: Configured from console by console
//   <187>4567: router-1: Mar 15 11:22:33.456 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed …
//   <166>%ASA-4-106023: Deny tcp src outside:10.0.0.1/1234 dst inside:10.0.0.2/80 …
//   <164>Mar 15 2025 11:22:33 asa-1 : %ASA-4-106023: …
// i.e. [counter: [seq: ]][origin: ][*|.]TIMESTAMP[ ZONE][ device-id ]: %FACILITY-SEVERITY-MNEMONIC: text.
// Program is the FACILITY (`SYS`, `LINK`, `ASA`); the message keeps `%FACILITY-SEV-MNEMONIC: …`,
// which is what operators search for.

import type { ParsedLine, ParseOptions } from './types.ts';
import { parsePri, readBsdTimestamp, readIsoTimestamp } from './rfc3164.ts';

const DEFAULT_FACILITY = 1; // user, as RFC 3164 §4.3.3 assumes for a message without PRI

const COUNTER = /(\d{1,10}): /y; // the syslog message counter, then `service sequence-numbers`
// `logging origin-id` before the timestamp (`router-1: `), or ASA's `logging device-id` (`asa : `).
const ORIGIN = /([A-Za-z0-9][\w.-]*) ?: /y;
// `service timestamps log uptime`: `00:00:15`, `1d02h`, `3w2d` since boot. No wall-clock time.
const UPTIME = /\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{1,4}[ywd]\d{1,2}[wdh]/y;
// `show-timezone`: a zone name before the colon. Only UTC/GMT can be trusted (readBsdTimestamp
// reads those); `CET`, `PST` … are ambiguous, so those times are read in the configured zone.
const ZONE = / [A-Z]{2,5}(?=:)/y;
// ASA's `logging device-id` after the timestamp: `… 11:22:33 asa-1 : %ASA-…`.
const DEVICE_ID = / ([A-Za-z0-9][\w.-]*) ?(?=:)/y;
// `%FACILITY-SEVERITY-MNEMONIC:` (IOS XE/XR facilities may have several parts: `%ROUTING-BGP-5-…`).
const MNEMONIC = /%([A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)*)-([0-7])-[A-Z0-9_]+:/y;

/**
 * Parses a Cisco IOS/ASA line, or returns null when the line is not one: it must carry the
 * `%FAC-SEV-MNEMONIC:` mark, or a counter and a Cisco timestamp ended by ':' (debug output).
 */
export function parseCisco(line: string, opts: Pick<ParseOptions, 'now' | 'timeZone'>): ParsedLine | null {
  const pri = parsePri(line);
  let pos = pri ? pri.end : 0;
  // Without a counter (a digit first) only the mnemonic makes a Cisco line: most lines stop here.
  const first = line.charCodeAt(pos);
  if (!(first >= 0x30 && first <= 0x39) && line.indexOf('%', pos) < 0) return null;
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = pos;
    const m = re.exec(line);
    if (m) pos = re.lastIndex;
    return m;
  };
  const fields: Record<string, string> = {};
  const counter = at(COUNTER);
  if (!counter && line.indexOf('%', pos) < 0) return null; // `2026-05-30T…`: a date, not a counter
  if (counter) {
    fields.seq = counter[1]!;
    const seq = at(COUNTER);
    if (seq) fields.service_seq = seq[1]!;
  }
  let hostname = at(ORIGIN)?.[1] ?? '';

  // Timestamp: `*` = clock never set, `.` = clock lost its sync; the time is still what was sent.
  const timeStart = pos;
  const marker = line.charCodeAt(pos);
  if (marker === 0x2a /* * */ || marker === 0x2e /* . */) pos++;
  let generatedAt: number | null = null;
  const ts = readBsdTimestamp(line, pos, opts) ?? readIsoTimestamp(line, pos, opts.timeZone);
  let timed = false;
  if (ts) {
    generatedAt = ts.ms;
    pos = ts.end;
    at(ZONE);
    timed = true;
  } else if (at(UPTIME)) {
    timed = true;
  }
  if (timed) {
    const device = at(DEVICE_ID);
    if (device) hostname = device[1]!;
    if (line.charCodeAt(pos) !== 0x3a /* : */) return null;
    pos++;
    if (line.charCodeAt(pos) === 0x20) pos++;
  } else {
    pos = timeStart; // a lone '*' or '.' is text
  }

  MNEMONIC.lastIndex = pos; // not consumed: the message keeps it
  const mnemonic = MNEMONIC.exec(line);
  if (!mnemonic && !(counter && timed)) return null;
  return {
    facility: pri ? pri.facility : DEFAULT_FACILITY,
    // Without a PRI the mnemonic's severity digit is the sender's own word for it.
    severity: pri ? pri.severity : mnemonic ? Number(mnemonic[2]) : 5,
    generatedAt,
    hostname,
    program: mnemonic ? mnemonic[1]! : '',
    message: line.slice(pos),
    fields,
    flags: [],
  };
}
