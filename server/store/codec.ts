// Event rows <-> the Event JSON of DESIGN 2. Fields that logfmt can re-derive from the message are
// not stored twice: that keeps a Heroku router line near its raw size on disk.
import type { DerivedFields } from '../../shared/api.ts';
import { EVENT_FLAGS, facilityName, severityName, type Event, type EventFlag } from '../../shared/event.ts';
import { fieldsOf, parseLogfmt } from '../../shared/logfmt.ts';
import { timeOfId } from './ids.ts';
import { displayTimeOf, isoTime } from './times.ts';
import type { NewEvent } from './types.ts';

export interface EventRow {
  id: number;
  system_id: number;
  generated_ms: number | null;
  source_ip: string;
  hostname: string | null;
  program: string;
  pri: number;
  message: string;
  extra: string | null;
  flags: number;
}

/**
 * Bits of the `flags` column that the store keeps for its own queries, above EVENT_FLAGS' (flagList
 * leaves them out of the API). Every row written since they exist has TEXT_LOOKED_AT; TEXT_ESCAPES
 * and TEXT_FOLDS say that its program or message holds an ESC, or U+0130 İ or U+212A (the Kelvin
 * sign): the characters for which SQLite's LIKE cannot screen a text search (store/compile.ts
 * mayContain). Rows written before have none of the three, and the screen looks for those
 * characters itself (three GLOB passes over a row, 0.4 µs against 0.09 for LIKE alone).
 */
export const TEXT_LOOKED_AT = 1 << 8;
export const TEXT_ESCAPES = 1 << 9;
export const TEXT_FOLDS = 1 << 10;

const hasFold = (s: string) => s.includes('\u0130') || s.includes('\u212a');

/** The TEXT_ bits of a row's program and message (substring searches: ~25 ns on a Heroku line). */
function textBits(program: string, message: string): number {
  let bits = TEXT_LOOKED_AT;
  if (program.includes('\x1b') || message.includes('\x1b')) bits |= TEXT_ESCAPES;
  if (hasFold(program) || hasFold(message)) bits |= TEXT_FOLDS;
  return bits;
}

export function flagBits(flags: readonly EventFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= 1 << EVENT_FLAGS.indexOf(f);
  return bits;
}

export function flagList(bits: number): EventFlag[] {
  return EVENT_FLAGS.filter((_f, i) => bits & (1 << i));
}

/** The fields that parseLogfmt(message) would not give back. */
export function extraFieldsObject(message: string, fields: Record<string, string>): Record<string, string> {
  const extra: Record<string, string> = {};
  const keys = Object.keys(fields);
  if (keys.length === 0) return extra;
  const derived = parseLogfmt(message);
  for (const k of keys) if (derived[k] !== fields[k]) extra[k] = fields[k]!;
  return extra;
}

export function extraFields(message: string, fields: Record<string, string>): string | null {
  const extra = extraFieldsObject(message, fields);
  return Object.keys(extra).length ? JSON.stringify(extra) : null;
}

// Text reaches SQLite well-formed: a lone UTF-16 surrogate (a JSON `\ud800` escape can carry one)
// would be stored as UTF-8 that reads back as U+FFFD, so the row would no longer match its leaf
// hash and verify would report an event nobody altered. It becomes U+FFFD before it is hashed.
const wellFormed = (s: string): string => (s.isWellFormed() ? s : s.toWellFormed());

export function toRow(id: number, systemId: number, systemName: string, e: NewEvent): EventRow {
  const program = wellFormed(e.program);
  const message = wellFormed(e.message);
  return {
    id,
    system_id: systemId,
    generated_ms: e.generatedAt,
    source_ip: wellFormed(e.sourceIp),
    hostname: e.hostname === systemName ? null : wellFormed(e.hostname),
    program,
    pri: e.facility * 8 + e.severity,
    message,
    extra: e.ownFields ? (Object.keys(e.ownFields).length ? JSON.stringify(e.ownFields) : null) : extraFields(e.message, e.fields),
    flags: flagBits(e.flags) | textBits(program, message),
  };
}

/**
 * `derived: 'omit'` (search.json's `derived_fields=omit`): `fields` holds only the stored ones, which
 * the message does not give; `fieldsOf(message, fields)` (shared/logfmt.ts) makes the whole set.
 */
export function toEvent(row: EventRow, systemName: string, derived: DerivedFields = 'include'): Event {
  const receivedMs = timeOfId(row.id);
  const own = row.extra ? (JSON.parse(row.extra) as Record<string, string>) : null;
  const fields = derived === 'omit' ? (own ?? {}) : fieldsOf(row.message, own);
  return {
    id: String(row.id),
    received_at: isoTime(receivedMs),
    generated_at: row.generated_ms === null ? null : isoTime(row.generated_ms),
    display_received_at: displayTimeOf(receivedMs),
    source_ip: row.source_ip,
    source_id: row.system_id,
    source_name: systemName,
    hostname: row.hostname ?? systemName,
    program: row.program,
    severity: severityName(row.pri & 7),
    facility: facilityName(row.pri >> 3),
    message: row.message,
    fields,
    flags: flagList(row.flags),
  };
}

// A flush writes thousands of rows of the same millisecond: format its time once.
let lastTime = { ms: NaN, iso: '', display: '' };
function timeStrings(ms: number) {
  if (lastTime.ms !== ms) lastTime = { ms, iso: isoTime(ms), display: displayTimeOf(ms) };
  return lastTime;
}

/** The Event for a row just written, from what the pipeline parsed (no re-parsing on the hot path). */
export function newToEvent(id: number, systemId: number, systemName: string, e: NewEvent): Event {
  const received = timeStrings(timeOfId(id));
  return {
    id: String(id),
    received_at: received.iso,
    generated_at: e.generatedAt === null ? null : isoTime(e.generatedAt),
    display_received_at: received.display,
    source_ip: e.sourceIp,
    source_id: systemId,
    source_name: systemName,
    hostname: e.hostname,
    program: e.program,
    severity: severityName(e.severity),
    facility: facilityName(e.facility),
    message: e.message,
    fields: e.fields,
    flags: e.flags,
  };
}
