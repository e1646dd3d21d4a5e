// The parse entry point: one frame (bytes or text) → ParsedLine. Detects RFC 5424 (`<PRI>1 `),
// else RFC 3164 (PRI optional), else keeps the raw line flagged `unparsed`; then the steps every
// line shares: truncation, logfmt fields, severity inference (DESIGN 2). Never throws.

import { severityName, type EventFlag } from '../../shared/event.ts';
import { parseLogfmt } from './logfmt.ts';
import { decodeFrame, truncateMessage } from './normalize.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { parseRfc5424 } from './rfc5424.ts';
import { inferSeverity } from './severity.ts';
import type { ParsedLine, ParseOptions } from './types.ts';

export interface SyslogParseOptions extends ParseOptions {
  /** true for frames from an HTTPS drain (Heroku format); unset: detected from the header. */
  heroku?: boolean;
}

// Plain text lines (text/plain drain bodies, imports) carry no PRI: user.info.
const PLAIN_FACILITY = 1;
const PLAIN_SEVERITY = 6;

const RFC5424_START = /^<\d{1,3}>1 /;

/** Parses one syslog frame (RFC 5424, RFC 3164, or anything: kept raw and flagged `unparsed`). */
export function parseSyslog(frame: Uint8Array | string, opts: SyslogParseOptions): ParsedLine {
  let text: string;
  let flags: EventFlag[] = [];
  if (typeof frame === 'string') {
    text = frame;
  } else {
    ({ text, flags } = decodeFrame(frame, opts.maxMessageBytes));
  }
  text = trimFrame(text);
  const parsed = RFC5424_START.test(text)
    ? parseRfc5424(text, { heroku: opts.heroku, timeZone: opts.timeZone })
    : parseRfc3164(text, opts);
  for (const f of flags) addFlag(parsed, f);
  return enrich(parsed, opts.maxMessageBytes);
}

/**
 * One line of a text/plain body or import: a line starting with `<digits>` is syslog; any other
 * line is the message itself (user.info, no timestamp), with logfmt fields and inferred severity.
 */
export function parsePlainLine(line: string, opts: SyslogParseOptions): ParsedLine {
  if (/^<\d/.test(line)) return parseSyslog(line, opts);
  const parsed: ParsedLine = {
    facility: PLAIN_FACILITY, severity: PLAIN_SEVERITY, generatedAt: null,
    hostname: '', program: '', message: trimFrame(line), fields: {}, flags: [],
  };
  // A body split on '\n' leaves the '\r' of CRLF line ends.
  if (parsed.message.endsWith('\r')) parsed.message = parsed.message.slice(0, -1);
  return enrich(parsed, opts.maxMessageBytes);
}

/** Newline-framing leftovers: trailing NULs, then one '\n' or '\r\n', then NULs again. */
function trimFrame(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 0x0a) {
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === 0x0d) end--;
  }
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return end === text.length ? text : text.slice(0, end);
}

function addFlag(line: ParsedLine, flag: EventFlag): void {
  if (!line.flags.includes(flag)) line.flags.push(flag);
}

/** Steps for every line: cap the message, then fields and severity from what is kept. */
function enrich(line: ParsedLine, maxMessageBytes: number): ParsedLine {
  const cut = truncateMessage(line.message, maxMessageBytes);
  line.message = cut.text;
  for (const f of cut.flags) addFlag(line, f);

  const pairs = parseLogfmt(line.message);
  const own = { ...line.fields };
  // logfmt never overwrites SD-PARAMs or header fields (procid, msgid, seq).
  for (const key in pairs) if (!Object.hasOwn(line.fields, key)) line.fields[key] = pairs[key]!;

  const inferred = inferSeverity(line.message, pairs);
  if (inferred !== undefined && inferred !== line.severity) {
    line.fields.syslog_severity = own.syslog_severity = severityName(line.severity);
    line.severity = inferred;
    addFlag(line, 'severity_inferred');
  }
  line.ownFields = own;
  return line;
}
