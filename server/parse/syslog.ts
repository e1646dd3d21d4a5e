// The parse entry point: one frame (bytes or text) → ParsedLine. Detects RFC 5424 (`<PRI>1 `),
// else RFC 3164 (PRI optional), else keeps the raw line flagged `unparsed`; then the steps every
// line shares: truncation, logfmt fields, severity inference (DESIGN 2). Never throws.

import { severityName, type EventFlag } from '../../shared/event.ts';
import { fieldsOf } from './logfmt.ts';
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
