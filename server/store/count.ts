// What alerts read (DESIGN 6): counts, events and per-sender counts of a compiled query over an id
// window (after, through] — the same shape as Papertrail's min_id/max_id cursors, upper bound
// inclusive. Each day file is asked only for the part of the window it holds, in slices of an
// hour of ids that FTS5 and the primary key seek to directly. Counting can run on a worker thread
// (store/count-worker.ts) with its own read-only connections, so that a round of many alerts does
// not hold up ingest on the main thread.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers.ts';
import type { Event } from '../../shared/event.ts';
import { inSnapshot, StatementCache, type Db, type Statement } from './db.ts';
import { answerMinutes, MINUTE_IDS, rowsFilter } from './field-counts.ts';
import { IDS_PER_MS, timeOfId } from './ids.ts';
import { dayOf, type Partitions } from './partitions.ts';
import { ftsRowidRange } from './positions.ts';
import { partSql } from './sources.ts';
import type { Filter, Searcher } from './search.ts';
import type { Systems } from './systems.ts';
import { indexedThrough, splitParts, type IdRangePart } from './unindexed.ts';
import { firstSealedId } from './blocks.ts';

const DAY_MS = 86_400_000;
const SLICE_IDS = 3_600_000 * IDS_PER_MS; // an hour of ids: the deadline is checked between slices
const STATEMENTS_MAX = 512; // prepared statements kept per day file (one per distinct query shape)
const EVENTS_BUDGET_MS = 10_000; // reading a window's first events for a notification

export interface CountProgress {
  count: number;
  /** Counted through this id (inclusive): the window's end when `done`. */
  upTo: number;
  done: boolean;
}

export interface SenderCounts {
  source_id: number;
  source_name: string;
  /** Unix seconds of each bucket's start → events in it. */
  timeseries: Record<string, number>;
}

/** The index alone decides the query: its count needs no row, wherever the rows are. */
const indexAlone = (filter: Filter) => filter.fts !== undefined && (filter.where === '1' || filter.countFts !== undefined);

// Statements over an id range (@lo, @hi]: (divisor,) (match,) the filter's values.
function countSql(db: Db, { filter, sealed }: IdRangePart): string {
  if (indexAlone(filter)) return `SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH ? AND ${ftsRowidRange(db, 'through', 'rowid')}`;
  const part = partSql(db, filter, sealed, 'through');
  return `SELECT count(*) AS n FROM ${part.from} WHERE ${part.range} AND (${filter.where})`;
}

function bySenderSql(db: Db, { filter, sealed }: IdRangePart): string {
  const part = partSql(db, filter, sealed, 'through');
  return `SELECT e.system_id AS system_id, e.id / ? AS bucket, count(*) AS n FROM ${part.from} WHERE ${part.range} AND (${filter.where}) GROUP BY 1, 2`;
}

/** Day files as the counter needs them: the server's Partitions, or the worker's read-only set. */
export interface DayFiles {
  /** Days that have a file, newest first. */
  days(): string[];
  reader(day: string): Db | undefined;
}

/** Counting over id windows, on whatever connections `files` gives (no state but statements). */
export class WindowCounter {
  private readonly statements = new StatementCache(STATEMENTS_MAX);

  constructor(private readonly files: DayFiles) {}

  /**
   * Counts the matches in (afterId, throughId], oldest slice first. Stops between slices once
   * performance.now() passes deadline; call again from `upTo` to go on.
   */
  count(filter: Filter, afterId: number, throughId: number, deadline = Infinity): CountProgress {
    let count = 0;
    for (const { db, lo, hi } of this.slices(afterId, throughId)) {
      count += inSnapshot(db, () => this.countSlice(db, filter, lo, hi));
      if (hi < throughId && performance.now() > deadline) return { count, upTo: hi, done: false };
    }
    return { count, upTo: throughId, done: true };
  }

  /**
   * The matches in (lo, hi] of one day file: for the whole minutes, from the per-minute field
   * counts when they answer the query (store/field-counts.ts); the rest from the rows.
   */
  private countSlice(db: Db, filter: Filter, lo: number, hi: number): number {
    const first = Math.floor(lo / MINUTE_IDS) + 1; // the first minute whose ids are all above lo
    const end = Math.floor((hi + 1) / MINUTE_IDS); // minutes before this one end by hi
    const answer = filter.fieldCounts && first < end ? answerMinutes(db, filter.fieldCounts, first, end) : undefined;
    if (!answer) return this.countRows(db, filter.fieldCounts ? rowsFilter(filter, lo, hi) : filter, lo, hi);
    let count = 0;
    for (const n of answer.counts.values()) count += n;
    const rest: [number, number][] = [[lo, first * MINUTE_IDS - 1], ...answer.scan.map(([a, b]): [number, number] => [a * MINUTE_IDS - 1, b * MINUTE_IDS - 1]), [end * MINUTE_IDS - 1, hi]];
    for (const [a, b] of rest) if (b > a) count += this.countRows(db, rowsFilter(filter, a, b), a, b);
    return count;
  }

  /** The matching rows in (lo, hi] of one day file. */
  private countRows(db: Db, filter: Filter, lo: number, hi: number): number {
    let count = 0;
    for (const part of splitParts(db, filter, lo, hi + 1)) {
      const values = indexAlone(part.filter) ? [part.filter.countFts ?? part.filter.fts] : [...(part.filter.fts === undefined ? [] : [part.filter.fts]), ...part.filter.params];
      count += (this.prepared(db, countSql(db, part)).get({ lo: part.lo, hi: part.hi - 1 }, ...values) as { n: number }).n;
    }
    return count;
  }

  /** Matches per system per bucket of `bucketS` seconds (bucket = Unix seconds / bucketS). */
  countBySystem(filter: Filter, afterId: number, throughId: number, bucketS: number): { system_id: number; bucket: number; n: number }[] {
    const divisor = IDS_PER_MS * 1000 * bucketS;
    const out: { system_id: number; bucket: number; n: number }[] = [];
    for (const { db, lo, hi } of this.slices(afterId, throughId)) {
      inSnapshot(db, () => {
        for (const part of splitParts(db, filter, lo, hi + 1)) {
          const head = part.filter.fts === undefined ? [divisor] : [divisor, part.filter.fts];
          out.push(...(this.prepared(db, bySenderSql(db, part)).all({ lo: part.lo, hi: part.hi - 1 }, ...head, ...part.filter.params) as { system_id: number; bucket: number; n: number }[]));
        }
      });
    }
    return out;
  }

  /** The highest id stored: the newest day file's last row. */
  highestId(): number {
    for (const day of this.files.days()) {
      const db = this.files.reader(day);
      const row = db && (this.prepared(db, 'SELECT max(id) AS id FROM events').get() as { id: number | null });
      if (row && row.id !== null) return row.id;
    }
    return 0;
  }

  /**
   * The highest id below which every row is in the full-text index (rows wait about a quarter
   * second for it: store/indexer.ts). Counting up to here never reads rows one by one.
   */
  highestIndexedId(): number {
    for (const day of this.files.days()) {
      const db = this.files.reader(day);
      if (!db) continue;
      const held = this.held(db);
      if (held.lo === null || held.hi === null) continue;
      const mark = indexedThrough(db);
      if (mark >= held.lo) return Math.min(held.hi, mark);
      // Nothing of this day is indexed yet: the day before is.
    }
    return 0;
  }

  /**
   * The window cut into (lo, hi] pieces of about an hour, oldest first: per day file, the part of the window that
   * file holds (ids are allocated per file, so the file's own first and last ids bound it, also
   * for an event received at 23:59:59.999 whose id reaches into the next day).
   */
  private *slices(afterId: number, throughId: number): Generator<{ db: Db; lo: number; hi: number }> {
    if (throughId <= afterId) return;
    const firstDay = dayOf(timeOfId(afterId + 1) - DAY_MS);
    const lastDay = dayOf(timeOfId(throughId));
    const days = this.files.days().filter((d) => d >= firstDay && d <= lastDay).reverse();
    for (const day of days) {
      const db = this.files.reader(day);
      if (!db) continue;
      const held = this.held(db);
      if (held.lo === null || held.hi === null) continue;
      const to = Math.min(throughId, held.hi);
      for (let lo = Math.max(afterId, held.lo - 1); lo < to; ) {
        // Slices end with a whole minute, so that only the window's ends hold partial minutes.
        const hi = Math.min(to, Math.floor((lo + SLICE_IDS) / MINUTE_IDS) * MINUTE_IDS - 1);
        yield { db, lo, hi };
        lo = hi;
      }
    }
  }

  private prepared(db: Db, sql: string): Statement {
    return this.statements.get(db, sql);
  }

  /** The first and last id a day file holds (null when empty). */
  private held(db: Db): { lo: number | null; hi: number | null } {
    // Two subqueries: min() and max() in one SELECT would scan the table instead of seeking. The
    // newest rows are never sealed (store/sealer.ts); the oldest may be.
    const held = this.prepared(db, 'SELECT (SELECT min(id) FROM events) AS lo, (SELECT max(id) FROM events) AS hi').get() as { lo: number | null; hi: number | null };
    return { lo: firstSealedId(db) ?? held.lo, hi: held.hi };
  }
}

interface CountRequest {
  id: number;
  filter: Filter;
  after: number;
  through: number;
}
export type CountReply = { id: number; count: number } | { id: number; error: string };

export class Windows {
  private readonly counter: WindowCounter;
  private worker?: Worker;
  /** The thread could not start (no tsx, no workers): count on this thread instead. */
  private noThread = false;
  private readonly pending = new Map<number, { request: CountRequest; resolve: (n: number) => void; reject: (e: Error) => void }>();
  private nextRequest = 1;

  constructor(
    private readonly dataDir: string,
    partitions: Partitions,
    private readonly systems: Systems,
    private readonly searcher: Searcher,
  ) {
    this.counter = new WindowCounter(partitions);
  }

  /**
   * The highest committed event id: an alert run's cut-off. Writers (the writer thread, the CLI)
   * allocate ids inside each day file's write transaction from the file's highest id, and this
   * read sees exactly the transactions committed before it (WAL snapshot): a transaction that
   * commits later holds only larger ids, so it belongs to the next window.
   */
  highestId(): number {
    return this.counter.highestId();
  }

  /** See WindowCounter.highestIndexedId: counting ahead stops here. */
  highestIndexedId(): number {
    return this.counter.highestIndexedId();
  }

  /** Counts on this thread (see WindowCounter.count). */
  count(filter: Filter, afterId: number, throughId: number, deadline = Infinity): CountProgress {
    return this.counter.count(filter, afterId, throughId, deadline);
  }

  /**
   * Counts on the counting thread: the main thread stays free for ingest. Requests are answered
   * in order. If the thread dies, what it had not answered is counted here, and the next request
   * starts a new thread; if it cannot start at all, counting stays on this thread.
   */
  countOffThread(filter: Filter, afterId: number, throughId: number): Promise<number> {
    if (this.noThread) return Promise.resolve().then(() => this.counter.count(filter, afterId, throughId).count);
    const worker = this.worker ?? this.startWorker();
    const request: CountRequest = { id: this.nextRequest++, filter, after: afterId, through: throughId };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { request, resolve, reject });
      worker.postMessage(request);
    });
  }

  private startWorker(): Worker {
    const worker = startWorker('count-worker', { dataDir: this.dataDir });
    worker.unref(); // a CLI command that counted must still exit
    let answered = false;
    worker.on('message', (reply: CountReply) => {
      answered = true;
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) p?.reject(new Error(reply.error));
      else p?.resolve(reply.count);
    });
    const fail = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!answered) this.noThread = true;
      const left = [...this.pending.values()];
      this.pending.clear();
      for (const p of left) {
        try {
          p.resolve(this.counter.count(p.request.filter, p.request.after, p.request.through).count);
        } catch (e) {
          p.reject(e as Error);
        }
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }

  /** The first `limit` matches of the window, oldest first; `complete` when there are no more. */
  events(filter: Filter, afterId: number, throughId: number, limit: number): { events: Event[]; complete: boolean } {
    const page = this.searcher.page({ filter, minId: afterId, maxId: throughId + 1, direction: 'oldest', limit, deadlineMs: performance.now() + EVENTS_BUDGET_MS, now: () => performance.now() });
    return { events: page.events, complete: page.exhausted };
  }

  /** Matches per sender per `bucketS` seconds (Papertrail's "counts only" webhook). */
  countsBySender(filter: Filter, afterId: number, throughId: number, bucketS: number): SenderCounts[] {
    const bySystem = new Map<number, Record<string, number>>();
    for (const r of this.counter.countBySystem(filter, afterId, throughId, bucketS)) {
      let series = bySystem.get(r.system_id);
      if (!series) bySystem.set(r.system_id, (series = {}));
      const key = String(r.bucket * bucketS);
      series[key] = (series[key] ?? 0) + r.n;
    }
    return [...bySystem].map(([id, timeseries]) => ({ source_id: id, source_name: this.systems.nameOf(id), timeseries }));
  }

  /** Stops the counting thread; what it had not answered fails (the store is closing). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.noThread = true;
    for (const p of this.pending.values()) p.reject(new Error('cannot count: the store is closed'));
    this.pending.clear();
    if (worker) await worker.terminate();
  }
}
