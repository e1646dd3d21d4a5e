// Appending events: one transaction per day file per flush (group commit), never one per line.
import type { Event } from '../../shared/event.ts';
import { newToEvent, toRow, type EventRow } from './codec.ts';
import type { Db, Statement } from './db.ts';
import { IdAllocator, timeOfId } from './ids.ts';
import { dayOf, type Partitions } from './partitions.ts';
import type { Systems } from './systems.ts';
import type { Submission, SubmissionResult } from './types.ts';

interface WriteStatements {
  insertEvent: Statement;
  insertFts: Statement;
  insertFrame: Statement;
  findFrame: Statement;
  countMinute: Statement;
}

const DAY_MS = 86_400_000;

export class EventWriter {
  private readonly statements = new WeakMap<Db, WriteStatements>();
  private readonly ids: IdAllocator;

  constructor(
    private readonly partitions: Partitions,
    private readonly systems: Systems,
  ) {
    this.ids = new IdAllocator(this.highestStoredId());
  }

  private highestStoredId(): number {
    for (const day of this.partitions.days()) {
      const row = this.partitions.reader(day)?.prepare('SELECT max(id) AS id FROM events').get() as { id: number | null };
      if (row.id !== null) return row.id;
    }
    return 0;
  }

  private prepared(db: Db): WriteStatements {
    let s = this.statements.get(db);
    if (!s) {
      s = {
        insertEvent: db.prepare(
          `INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags)
           VALUES (@id, @system_id, @generated_ms, @source_ip, @hostname, @program, @pri, @message, @extra, @flags)`,
        ),
        insertFts: db.prepare('INSERT INTO events_fts (rowid, program, message) VALUES (?, ?, ?)'),
        insertFrame: db.prepare('INSERT INTO drain_frames (frame_id, first_id) VALUES (?, ?)'),
        findFrame: db.prepare('SELECT 1 FROM drain_frames WHERE frame_id = ?'),
        countMinute: db.prepare(
          'INSERT INTO minute_counts (minute, system_id, count) VALUES (?, ?, ?) ON CONFLICT (minute, system_id) DO UPDATE SET count = count + excluded.count',
        ),
      };
      this.statements.set(db, s);
    }
    return s;
  }

  /** Heroku retries a batch within minutes; today's and yesterday's files cover that. */
  private frameSeen(frameId: string, receivedMs: number): boolean {
    for (const day of [dayOf(receivedMs), dayOf(receivedMs - DAY_MS)]) {
      const db = this.partitions.reader(day);
      if (db && this.prepared(db).findFrame.get(frameId)) return true;
    }
    return false;
  }

  /**
   * Commits the submissions (in order) and returns, for each, the stored events. Returns only after
   * the commit: callers may acknowledge then. Throws when SQLite cannot commit (disk full, I/O).
   */
  append(submissions: readonly Submission[]): SubmissionResult[] {
    const results: SubmissionResult[] = [];
    const byDay = new Map<string, { rows: EventRow[]; frames: [string, number][] }>();
    const framesInFlush = new Set<string>();
    for (const sub of submissions) {
      const first = sub.events[0];
      if (sub.frameId !== undefined && first && (framesInFlush.has(sub.frameId) || this.frameSeen(sub.frameId, first.receivedMs))) {
        results.push({ stored: [], duplicate: true });
        continue;
      }
      const stored: Event[] = [];
      for (const e of sub.events) {
        const systemId = this.systems.resolve(e.systemName, e.sourceIp, e.receivedMs);
        const row = toRow(this.ids.next(e.receivedMs), systemId, e.systemName, e);
        const day = dayOf(timeOfId(row.id));
        let bucket = byDay.get(day);
        if (!bucket) byDay.set(day, (bucket = { rows: [], frames: [] }));
        bucket.rows.push(row);
        stored.push(newToEvent(row, this.systems.nameOf(systemId), e));
      }
      if (sub.frameId !== undefined && first) {
        framesInFlush.add(sub.frameId);
        byDay.get(dayOf(timeOfId(Number(stored[0]!.id))))!.frames.push([sub.frameId, Number(stored[0]!.id)]);
      }
      results.push({ stored, duplicate: false });
    }
    for (const [day, { rows, frames }] of byDay) {
      const db = this.partitions.writer(day);
      const s = this.prepared(db);
      // better-sqlite3 is synchronous: nothing else runs inside this transaction.
      const perMinute = new Map<string, number>(); // "minute system" -> count
      db.transaction(() => {
        for (const row of rows) {
          s.insertEvent.run(row);
          s.insertFts.run(row.id, row.program, row.message);
          const key = `${Math.floor(timeOfId(row.id) / 60_000)} ${row.system_id}`;
          perMinute.set(key, (perMinute.get(key) ?? 0) + 1);
        }
        for (const [key, count] of perMinute) s.countMinute.run(...key.split(' ').map(Number), count);
        for (const [frameId, firstId] of frames) s.insertFrame.run(frameId, firstId);
      }).immediate();
    }
    this.systems.flushLastSeen();
    return results;
  }
}
