// Per-minute counts of a few common logfmt keys' values (migrations/day/0008), kept at insert in
// the same transaction as the events, so that counting `program:heroku/router status>=500` over an
// hour, or its histogram over a day, adds up a few thousand rows instead of parsing every message.
// The counts must say exactly what the rows say: values are read with the SQL back end's own field
// rule (functions.ts fieldsNamed = fieldOf, numericValue), and a minute whose counts cannot decide
// a comparison is left to the caller to count row by row.
import type { CompareOp } from '../../shared/query/ast.ts';
import { numericValue } from '../../shared/query/match.ts';
import { StatementCache, type Db } from './db.ts';
import { fieldsNamed } from './functions.ts';
import { IDS_PER_MS } from './ids.ts';
import type { Filter } from './search.ts';

export const MINUTE_MS = 60_000;
export const MINUTE_IDS = MINUTE_MS * IDS_PER_MS;

/**
 * What compile.ts found that the counts can answer: a conjunction of comparisons on one key,
 * `program:` conditions and systems (time comes with the request). Plain data: it crosses to the
 * counting thread with its Filter.
 */
export interface FieldCountPlan {
  key: string;
  conditions: { op: CompareOp; value: number }[];
  /** One list per `program:` conjunct: its values (lower-cased, `*` wildcards), any of which. */
  programs: string[][];
  /** The systems of system_id / group_id / sender: / group:; undefined = every system. */
  systemIds?: number[];
}

interface CountedKey {
  id: number;
  digits: number;
  /** Rows with larger ids are counted. */
  sinceId: number;
}

interface CountedKeys {
  keys: Map<string, CountedKey>;
  names: Set<string>;
  /** `name=` of each: a message without any of them has no logfmt value to count. */
  marks: string[];
}

const countedByDb = new WeakMap<Db, CountedKeys>();
const statements = new StatementCache(64);

/** The keys a day file counts; undefined before day/0008 (a read-only connection to a file no writer has opened yet). */
export function countedKeys(db: Db): CountedKeys | undefined {
  const known = countedByDb.get(db);
  if (known) return known;
  // Absence is not remembered: a writer may migrate the file while this reader stays open.
  if (!db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'field_count_keys'").get()) return undefined;
  const rows = db.prepare('SELECT id, key, digits, since_id FROM field_count_keys').all() as { id: number; key: string; digits: number; since_id: number }[];
  const counted: CountedKeys = {
    keys: new Map(rows.map((r) => [r.key, { id: r.id, digits: r.digits, sinceId: r.since_id }])),
    names: new Set(rows.map((r) => r.key)),
    marks: rows.map((r) => `${r.key}=`),
  };
  countedByDb.set(db, counted);
  return counted;
}

/** A value's bucket: its first `digits` significant digits (3: 200 and 201 apart; 1: 230 and 270 together, as 200). */
export function bucketOf(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? 0 : value;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(value))) - digits + 1);
  const bucket = Math.floor(value / step) * step;
  // Only the grouping depends on this arithmetic; low/high keep the values exactly.
  return Number.isFinite(bucket) ? bucket : value;
}

interface TallyRow {
  keyId: number;
  minute: number;
  systemId: number;
  program: string;
  bucket: number;
  count: number;
  low: number;
  high: number;
}

/** The field_counts changes of one transaction: events added (or, for a redaction, taken out). */
export class FieldTally {
  private readonly rows = new Map<string, TallyRow>();

  constructor(private readonly counted: CountedKeys) {}

  /** One event's numeric values of the counted keys; `sign` -1 takes a redacted event out. */
  add(id: number, systemId: number, program: string, message: string, extra: string | null, sign = 1): void {
    const values = fieldsNamed(message, extra, this.counted.names, this.counted.marks);
    for (const key in values) {
      const counted = this.counted.keys.get(key)!;
      if (id <= counted.sinceId) continue;
      const value = numericValue(values[key]!);
      if (value === undefined) continue; // a comparison is false for it: nothing to count
      const minute = Math.floor(id / MINUTE_IDS);
      const bucket = bucketOf(value, counted.digits);
      const at = `${counted.id} ${minute} ${systemId} ${bucket} ${program}`;
      const row = this.rows.get(at);
      if (row) {
        row.count += sign;
        if (value < row.low) row.low = value;
        if (value > row.high) row.high = value;
      } else {
        this.rows.set(at, { keyId: counted.id, minute, systemId, program, bucket, count: sign, low: value, high: value });
      }
    }
  }

  /** Adds the tally to the day file; call inside the transaction that stores (or redacts) the events. */
  write(db: Db): void {
    const upsert = statements.get(
      db,
      `INSERT INTO field_counts (key_id, minute, system_id, program_id, bucket, count, low, high) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key_id, minute, system_id, program_id, bucket)
       DO UPDATE SET count = count + excluded.count, low = min(low, excluded.low), high = max(high, excluded.high)`,
    );
    // Looked up in this transaction, not remembered across: a rolled-back one would leave a stale id.
    const programIds = new Map<string, number>();
    for (const r of this.rows.values()) {
      let programId = programIds.get(r.program);
      if (programId === undefined) programIds.set(r.program, (programId = programIdOf(db, r.program)));
      upsert.run(r.keyId, r.minute, r.systemId, programId, r.bucket, r.count, r.low, r.high);
    }
    this.rows.clear();
  }
}

function programIdOf(db: Db, program: string): number {
  const known = statements.get(db, 'SELECT id FROM field_count_programs WHERE program = ?').get(program) as { id: number } | undefined;
  return known?.id ?? Number(statements.get(db, 'INSERT INTO field_count_programs (program) VALUES (?)').run(program).lastInsertRowid);
}

// A row decides `value OP t` for all its values when both ends satisfy it (each condition is a
// half-line, and so is their intersection), and for none when one condition excludes both ends.
const ALL: Record<CompareOp, string> = { '>=': 'low >= ? AND high >= ?', '>': 'low > ? AND high > ?', '<=': 'low <= ? AND high <= ?', '<': 'low < ? AND high < ?' };
const NONE: Record<CompareOp, string> = { '>=': 'high < ?', '>': 'high <= ?', '<=': 'low > ?', '<': 'low >= ?' };

function planSql(plan: FieldCountPlan): { sql: string; params: unknown[] } {
  const all = plan.conditions.map((c) => ALL[c.op]).join(' AND ');
  const none = plan.conditions.map((c) => NONE[c.op]).join(' OR ');
  const allParams = plan.conditions.flatMap((c) => [c.value, c.value]);
  const systems = plan.systemIds ? ` AND ${plan.systemIds.length ? `system_id IN (${plan.systemIds.map(() => '?').join(',')})` : '0'}` : '';
  const programs = plan.programs
    .map((values) => ` AND program_id IN (SELECT id FROM field_count_programs WHERE ${values.map(() => 'dw_wild(program, ?)').join(' OR ')})`)
    .join('');
  return {
    sql: `SELECT minute, sum(CASE WHEN ${all} THEN count ELSE 0 END) AS n, max(NOT (${all}) AND NOT (${none})) AS mixed
          FROM field_counts WHERE key_id = ? AND minute >= ? AND minute < ? AND count != 0${systems}${programs}
          GROUP BY minute ORDER BY minute`,
    params: [...allParams, ...allParams, ...plan.conditions.map((c) => c.value)],
  };
}

// What the counts leave open is a few minutes, and reading those rows beats seeking them in the
// full-text index: FTS5 took 15 ms to count a minute's rowid range of `"heroku" AND "router"`
// where reading that minute's 140 rows took 0.2 ms (200,000 lines a day).
const ROWS_DIRECTLY_IDS = 5 * MINUTE_IDS;

/** The filter to count the rows of (lo, hi] with, once the field counts answered the minutes around them. */
export function rowsFilter(filter: Filter, lo: number, hi: number): Filter {
  return hi - lo <= ROWS_DIRECTLY_IDS && filter.unindexed ? filter.unindexed : filter;
}

export interface MinuteAnswer {
  /** Matches per minute that the counts decided (minutes without any are absent). */
  counts: Map<number, number>;
  /** Minute ranges [from, to) whose rows are to be counted one by one, oldest first. */
  scan: [number, number][];
}

/**
 * The plan's matches in the whole minutes [fromMinute, toMinute) of one day file. Minutes before
 * the key was counted (an upgraded file), and minutes with a bucket on both sides of the
 * comparison, are left in `scan`. Undefined when the file does not count the key.
 */
export function answerMinutes(db: Db, plan: FieldCountPlan, fromMinute: number, toMinute: number): MinuteAnswer | undefined {
  const counted = countedKeys(db)?.keys.get(plan.key);
  if (!counted) return undefined;
  const scan: [number, number][] = [];
  const addScan = (from: number, to: number) => {
    const last = scan.at(-1);
    if (last && last[1] === from) last[1] = to;
    else scan.push([from, to]);
  };
  // Minute m is counted when all its ids are above since_id: m * MINUTE_IDS > since_id.
  const firstCounted = Math.max(fromMinute, Math.floor(counted.sinceId / MINUTE_IDS) + 1);
  if (firstCounted > fromMinute) addScan(fromMinute, Math.min(firstCounted, toMinute));
  const counts = new Map<number, number>();
  if (firstCounted < toMinute) {
    const { sql, params } = planSql(plan);
    const rows = statements.get(db, sql).all(...params, counted.id, firstCounted, toMinute, ...(plan.systemIds ?? []), ...plan.programs.flat()) as { minute: number; n: number; mixed: number }[];
    for (const r of rows) {
      if (r.mixed) addScan(r.minute, r.minute + 1);
      else if (r.n) counts.set(r.minute, r.n);
    }
  }
  return { counts, scan };
}
