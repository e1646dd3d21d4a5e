import type { EventFlag } from '../../shared/event.ts';

/**
 * What the parsers make of one syslog frame or drain line: everything about the event that the
 * bytes themselves say. Arrival time, sender IP and system attribution are added by the pipeline.
 */
export interface ParsedLine {
  /** RFC 5424 PRI facility code 0..23 (RFC 3164 likewise); 1 (user) when no PRI was sent. */
  facility: number;
  /** Severity code 0..7 after inference (DESIGN 2); the wire value goes to fields.syslog_severity when inferred. */
  severity: number;
  /** Sender's timestamp as Unix ms, or null when absent or unparseable. */
  generatedAt: number | null;
  /** HOSTNAME as sent ('' when missing). For Heroku lines the pipeline replaces it with the drain name. */
  hostname: string;
  /** APP-NAME / TAG, or for Heroku lines APP-NAME + "/" + PROCID (`app/web.1`). '' when missing. */
  program: string;
  message: string;
  /** RFC 5424 SD-PARAMs, logfmt pairs, procid, msgid, syslog_severity. */
  fields: Record<string, string>;
  flags: EventFlag[];
  /**
   * The fields that do not come from logfmt pairs of the message (header, structured data,
   * syslog_severity): all the store must keep, since it re-derives the rest from the message.
   */
  ownFields?: Record<string, string>;
}

export interface ParseOptions {
  /** Arrival time, used to infer the year of RFC 3164 timestamps. */
  now: Date;
  /** IANA zone in which zone-less sender timestamps are read (RFC 3164, loggen's ISO without offset). */
  timeZone: string;
  /** Longest message kept, in UTF-8 bytes; longer ones are truncated and flagged `truncated`. */
  maxMessageBytes: number;
}
