// Papertrail's archive layout (help.papertrailapp.com/kb/how-it-works/permanent-log-archives):
// one event per line, ten tab-separated fields — id, generated_at, received_at, source_id,
// source_name, source_ip, facility_name, severity_name, program, message — times as
// `2011-02-10 00:19:36 -0800`. Pure: strings in, strings out.
//
// Papertrail's page is silent on tabs and newlines inside a field; we escape them as TSV writers
// commonly do (`\t`, `\n`, `\r`, and `\\` for a backslash), so that a line is always one event,
// and unescape the same on import. Our times carry milliseconds (`16:24:40.438 +0000`), a
// superset of Papertrail's, so that an archive round-trips to the same times.
import { facilityCode, facilityName, severityCode, severityName } from '../../shared/event.ts';

export interface ArchiveRow {
  id: string;
  generatedMs: number | null;
  receivedMs: number;
  sourceId: string;
  sourceName: string;
  sourceIp: string;
  facility: number;
  severity: number;
  program: string;
  message: string;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

export function escapeField(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s;
}

export function unescapeField(s: string): string {
  return s.includes('\\') ? s.replace(/\\([\\tnr])/g, (_m, c: string) => UNESCAPES[c]!) : s;
}

// An archive writes thousands of rows a second, each with two times (generated, received) that
// mostly fall in the same one or two seconds: the text of the last two seconds is kept, and the
// milliseconds appended (Date#toISOString per time was a fifth of an archive's CPU).
const recentSeconds: { second: number; text: string }[] = [
  { second: NaN, text: '' },
  { second: NaN, text: '' },
];
let older = 0;
const MILLIS = Array.from({ length: 1000 }, (_, i) => `.${`${i}`.padStart(3, '0')} +0000`);

/** `2026-05-30 16:24:40.438 +0000` (UTC). */
export function formatTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  let seen = recentSeconds[0]!.second === second ? recentSeconds[0]! : recentSeconds[1]!.second === second ? recentSeconds[1]! : undefined;
  if (!seen) {
    const iso = new Date(second * 1000).toISOString();
    seen = recentSeconds[older]!;
    seen.second = second;
    seen.text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    older ^= 1;
  }
  return seen.text + MILLIS[ms - second * 1000]!;
}

/** Papertrail's `2011-02-10 00:19:36 -0800`, with or without fractional seconds; undefined if not a time. */
export function parseTime(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?) ?([+-]\d{2}):?(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
  return Number.isFinite(ms) ? ms : undefined;
}

export function formatRow(r: ArchiveRow): string {
  const generated = r.generatedMs === null ? '' : formatTime(r.generatedMs);
  return `${r.id}\t${generated}\t${formatTime(r.receivedMs)}\t${r.sourceId}\t${escapeField(r.sourceName)}\t${escapeField(r.sourceIp)}\t${facilityName(r.facility)}\t${severityName(r.severity)}\t${escapeField(r.program)}\t${escapeField(r.message)}`;
}

/** A line of an archive (ours or Papertrail's), or why it is not one. */
export function parseRow(line: string): { ok: true; row: ArchiveRow } | { ok: false; problem: string } {
  const f = line.split('\t');
  if (f.length !== 10) return { ok: false, problem: `${f.length} tab-separated fields, not 10` };
  const receivedMs = parseTime(f[2]!);
  if (receivedMs === undefined) return { ok: false, problem: `received_at "${f[2]}" is not a time` };
  const generatedMs = f[1] === '' ? null : parseTime(f[1]!);
  if (generatedMs === undefined) return { ok: false, problem: `generated_at "${f[1]}" is not a time` };
  const facility = facilityCode(f[6]!);
  const severity = severityCode(f[7]!);
  if (facility === undefined) return { ok: false, problem: `facility "${f[6]}" is unknown` };
  if (severity === undefined) return { ok: false, problem: `severity "${f[7]}" is unknown` };
  return {
    ok: true,
    row: { id: f[0]!, generatedMs, receivedMs, sourceId: f[3]!, sourceName: unescapeField(f[4]!), sourceIp: unescapeField(f[5]!), facility, severity, program: unescapeField(f[8]!), message: unescapeField(f[9]!) },
  };
}

/** Whether a file's first line is in the archive layout (else it is read as plain log lines). */
export function looksLikeArchive(firstLine: string): boolean {
  return parseRow(firstLine).ok;
}
