// The parse entry point: one frame (bytes or text) → ParsedLine. Detects RFC 5424 (`<PRI>1 `),
// else Cisco IOS/ASA (`%FAC-SEV-MNEMONIC:`), else RFC 3164 (PRI optional: plain text is
// user.notice); what none can read is kept raw and flagged `unparsed`. Then the steps every line
// shares: truncation, logfmt fields, severity inference (DESIGN 2). Never throws.

import { severityName, type EventFlag } from '../../shared/event.ts';
import { fieldsOf } from '../../shared/logfmt.ts';
import { decodeFrame, truncateMessage } from './normalize.ts';
import { parseCisco } from './cisco.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { parseRfc5424 } from './rfc5424.ts';
import { inferSeverity } from './severity.ts';
import type { ParsedLine, ParseOptions } from './types.ts';

export interface SyslogParseOptions extends ParseOptions {
  /** true for logplex frames (Heroku format); unset: detected from the header (rfc5424.ts). */
  heroku?: boolean;
  /** The line came through an HTTPS drain (text/plain, JSON): Heroku's `host` header counts too. */
  viaDrain?: boolean;
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
    ? parseRfc5424(text, { heroku: opts.heroku, viaDrain: opts.viaDrain, timeZone: opts.timeZone })
    : (parseCisco(text, opts) ?? parseRfc3164(text, opts));
  for (const f of flags) addFlag(parsed, f);
  return enrich(parsed, opts.maxMessageBytes);
}

/**
 * One line of a text/plain body or import: a line starting with `<digits>` is syslog; any other
 * line is the message itself (user.info, no timestamp), with logfmt fields and inferred severity.
 */
export function parsePlainLine(line: string, opts: SyslogParseOptions): ParsedLine {
  if (/^\s*<\d/.test(line)) return parseSyslog(line, opts);
  const parsed: ParsedLine = {
    facility: PLAIN_FACILITY, severity: PLAIN_SEVERITY, generatedAt: null,
    hostname: '', program: '', message: trimFrame(line), fields: {}, flags: [],
  };
  // A body split on '\n' leaves the '\r' of CRLF line ends.
  if (parsed.message.endsWith('\r')) parsed.message = parsed.message.slice(0, -1);
  return enrich(parsed, opts.maxMessageBytes);
}

/**
 * Framing leftovers: trailing NULs, then one '\n' or '\r\n', then NULs again. In front: blanks
 * before the PRI (`\r\n<13>…` from a sender that writes its line end first, ` <13>…` from a
 * padded one), and line ends before plain text.
 */
function trimFrame(text: string): string {
  let start = 0;
  while (isBlank(text.charCodeAt(start))) start++;
  if (start > 0 && text.charCodeAt(start) !== 0x3c /* < */) {
    start = 0; // indentation of plain text is the sender's: keep it, drop only line ends
    while (text.charCodeAt(start) === 0x0a || text.charCodeAt(start) === 0x0d) start++;
  }
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 0x0a) {
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === 0x0d) end--;
  }
  while (end > start && text.charCodeAt(end - 1) === 0) end--;
  return start === 0 && end === text.length ? text : text.slice(start, Math.max(start, end));
}

/** SP, HT, LF, CR. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function addFlag(line: ParsedLine, flag: EventFlag): void {
  if (!line.flags.includes(flag)) line.flags.push(flag);
}

/** Steps for every line: cap the message, then severity and fields from what is kept. */
function enrich(line: ParsedLine, maxMessageBytes: number): ParsedLine {
  const cut = truncateMessage(line.message, maxMessageBytes);
  line.message = cut.text;
  for (const f of cut.flags) addFlag(line, f);

  const own = line.fields; // so far only what the header and structured data said
  const inferred = inferSeverity(line.message);
  if (inferred !== undefined && inferred !== line.severity) {
    own.syslog_severity = severityName(line.severity);
    line.severity = inferred;
    addFlag(line, 'severity_inferred');
  }
  return new LazyFieldsLine(line, own);
}

/**
 * A parsed line whose `fields` (logfmt pairs under `ownFields`) are built on first read. Most lines
 * are stored without anyone reading their fields, and the 14-key object of a router line was a
 * sixth of the parse time and much of the memory of a queued line. A class, because object
 * literals with accessors are created on V8's slow path; spreading one drops `fields`.
 */
class LazyFieldsLine implements ParsedLine {
  #fields: Record<string, string> | undefined;
  readonly facility: number;
  severity: number;
  generatedAt: number | null;
  hostname: string;
  program: string;
  message: string;
  flags: EventFlag[];
  ownFields: Record<string, string>;

  constructor(line: ParsedLine, own: Record<string, string>) {
    this.facility = line.facility;
    this.severity = line.severity;
    this.generatedAt = line.generatedAt;
    this.hostname = line.hostname;
    this.program = line.program;
    this.message = line.message;
    this.flags = line.flags;
    this.ownFields = own;
  }

  get fields(): Record<string, string> {
    return (this.#fields ??= fieldsOf(this.message, this.ownFields));
  }

  set fields(value: Record<string, string>) {
    this.#fields = value;
  }
}
