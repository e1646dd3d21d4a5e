// data/integrity.sqlite: the manifest of days, in a small file of its own that retention never
// deletes (migrations/integrity/). It orders the days (each day's chain continues from the head of
// the day created before it), keeps each finished day's head and event count, and a tombstone for
// each day retention removed, so that `driftwood verify` tells a day retention removed from one
// that went missing.
import { GENESIS } from '../integrity/hash.ts';
import type { DayHead } from './chain.ts';
import { openDb, type Db } from './db.ts';

export interface ManifestDay {
  day: string;
  seq: number;
  /** The file existed before tamper evidence: its rows up to legacyThrough are not covered. */
  legacy: boolean;
  /** Ids up to here predate the day's chain; null until the day's first batch. */
  legacyThrough: number | null;
  /** The day's head as last recorded (when the next day began, or by retention); null before. */
  head: { batch: number; hash: string; events: number; lastId: number } | null;
  /** The hash its chain continued from, as recorded when it began; null for legacy days. */
  link: string | null;
  removedMs: number | null;
}

interface DayRow {
  day: string;
  seq: number;
  legacy: number;
  legacy_through: number | null;
  batches: number | null;
  events: number | null;
  last_id: number | null;
  head: string | null;
  link: string | null;
  removed_ms: number | null;
}

const toDay = (r: DayRow): ManifestDay => ({
  day: r.day,
  seq: r.seq,
  legacy: r.legacy === 1,
  legacyThrough: r.legacy_through,
  head: r.head === null ? null : { batch: r.batches!, hash: r.head, events: r.events!, lastId: r.last_id! },
  link: r.link,
  removedMs: r.removed_ms,
});

export class Manifest {
  private readonly db: Db;

  /**
   * Opens (creating) the manifest. A new manifest lists the day files that hold events as legacy
   * days. If any of them already has a chain, the manifest was deleted and made anew: that is
   * recorded (fact `recreated_ms`), and verify reports it.
   */
  constructor(path: string, existing: { days: () => string[]; kind: (day: string) => 'empty' | 'legacy' | 'chained' }, nowMs = Date.now()) {
    this.db = openDb(path, 'integrity');
    this.db
      .transaction(() => {
        if (this.fact('created_ms') !== undefined) return;
        const kinds = existing.days().sort().map((day) => ({ day, kind: existing.kind(day) }));
        const insert = this.db.prepare('INSERT INTO days (day, seq, legacy) VALUES (?, ?, 1)');
        kinds.filter((d) => d.kind !== 'empty').forEach((d, i) => insert.run(d.day, i + 1));
        if (kinds.some((d) => d.kind === 'chained')) this.setFact('recreated_ms', String(nowMs));
        this.setFact('created_ms', String(nowMs));
      })
      .immediate();
  }

  fact(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM facts WHERE key = ?').pluck().get(key) as string | undefined;
  }

  private setFact(key: string, value: string): void {
    this.db.prepare('INSERT INTO facts (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private row(day: string): DayRow | undefined {
    return this.db.prepare('SELECT * FROM days WHERE day = ?').get(day) as DayRow | undefined;
  }

  private recordHead(day: string, h: DayHead): void {
    this.db.prepare('UPDATE days SET batches = ?, events = ?, last_id = ?, head = ? WHERE day = ?').run(h.batch, h.events, h.lastId, h.hash, day);
  }

  /**
   * Called before a day's first batch is committed: records the day (after the newest one, whose
   * head is recorded now) and returns the hash its chain continues from. `maxId`: the highest id
   * already in its file (rows from before the chain). `headOf` reads a day file's head.
   */
  startDay(day: string, maxId: number, headOf: (day: string) => DayHead | undefined): string {
    return this.db
      .transaction(() => {
        let row = this.row(day);
        if (!row) {
          const newest = this.db.prepare('SELECT * FROM days ORDER BY seq DESC LIMIT 1').get() as DayRow | undefined;
          this.db.prepare('INSERT INTO days (day, seq, legacy, legacy_through) VALUES (?, ?, 0, ?)').run(day, (newest?.seq ?? 0) + 1, maxId);
          const newestHead = newest && newest.removed_ms === null ? headOf(newest.day) : undefined;
          if (newestHead) this.recordHead(newest!.day, newestHead);
          row = this.row(day)!;
        } else if (row.legacy_through === null) {
          this.db.prepare('UPDATE days SET legacy_through = ? WHERE day = ?').run(maxId, day);
        }
        const before = this.db.prepare('SELECT * FROM days WHERE seq < ? ORDER BY seq DESC LIMIT 1').get(row.seq) as DayRow | undefined;
        const link = (before && before.removed_ms === null ? headOf(before.day)?.hash : undefined) ?? before?.head ?? GENESIS;
        this.db.prepare('UPDATE days SET link = ? WHERE day = ?').run(link, day);
        return link;
      })
      .immediate();
  }

  /** Retention is about to delete a day's files: keep its final head and a tombstone. */
  tombstone(day: string, head: DayHead | undefined, nowMs: number): void {
    this.db
      .transaction(() => {
        if (!this.row(day)) return; // never chained nor listed: nothing to keep
        if (head) this.recordHead(day, head);
        this.db.prepare('UPDATE days SET removed_ms = ? WHERE day = ?').run(nowMs, day);
      })
      .immediate();
  }

  /** Every day the manifest knows, in creation order. */
  days(): ManifestDay[] {
    return (this.db.prepare('SELECT * FROM days ORDER BY seq').all() as DayRow[]).map(toDay);
  }

  close(): void {
    this.db.close();
  }
}
