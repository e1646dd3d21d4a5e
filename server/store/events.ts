// Appending events: one transaction per day file per flush (group commit), never one per line.
// The rows join the full-text index afterwards (store/indexer.ts).
import type { Event } from '../../shared/event.ts';
import { BatchHasher } from './chain.ts';
import { newToEvent, toRow } from './codec.ts';
import type { Db, Statement } from './db.ts';
import { countedKeys, FieldTally } from './field-counts.ts';
import { nextId, timeOfId } from './ids.ts';
import { dayOf, type Partitions } from './partitions.ts';
import { ftsRowids } from './positions.ts';
import { hasBlocks } from './blocks.ts';
import { BLOCK_ROWS } from './block-codec.ts';
import type { Systems } from './systems.ts';
import { eventAt, eventStarts, pack, senderOf, type Packed } from './packed.ts';
import type { NewEvent, Submission, SubmissionResult, WriteResult } from './types.ts';

interface WriteStatements {
  insertEvent: Statement;
  /** The day's last position (store/positions.ts); undefined for a day file from before day/0009. */
  lastPos?: Statement;
  insertFrame: Statement;
  findFrame: Statement;
  countMinute: Statement;
  maxId: Statement;
  chainHead: Statement;
  insertChain: Statement;
}

const DAY_MS = 86_400_000;

/** SQL for the largest `expr` over the day's blocks (0 without any). */
const sealedMax = (db: Db, expr: string) => (hasBlocks(db) ? `coalesce((SELECT ${expr} FROM blocks ORDER BY block DESC LIMIT 1), 0)` : '0');
const MIDNIGHT_GRACE_MS = 60_000;

export class EventWriter {
  private readonly statements = new WeakMap<Db, WriteStatements>();
  private newestDayStart = 0;

  /** `committed` hears of every commit: the rows are to be indexed (store/indexer.ts). */
  constructor(
    private readonly partitions: Partitions,
    private readonly systems: Systems,
    private readonly committed: (day: string, rows: number) => void = () => {},
  ) {}

  private prepared(db: Db): WriteStatements {
    let s = this.statements.get(db);
    if (!s) {
      const positions = ftsRowids(db) === 'position';
      s = {
        insertEvent: db.prepare(
          // No salt: the batch's salts derive from its key (store/chain.ts).
          `INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags${positions ? ', pos' : ''})
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?${positions ? ', ?' : ''})`,
        ),
        // Sealing (store/sealer.ts) leaves the newest rows in `events`, but a day sealed to its end
        // would not: blocks count too.
        lastPos: positions ? db.prepare(`SELECT max(coalesce((SELECT max(pos) FROM events), 0), ${sealedMax(db, `(block + 1) * ${BLOCK_ROWS}`)})`).pluck() : undefined,
        insertFrame: db.prepare('INSERT INTO drain_frames (frame_id, first_id) VALUES (?, ?)'),
        findFrame: db.prepare('SELECT 1 FROM drain_frames WHERE frame_id = ?'),
        maxId: db.prepare(`SELECT max(coalesce((SELECT max(id) FROM events), 0), ${sealedMax(db, 'last_id')}) AS id`),
        chainHead: db.prepare('SELECT batch, hash FROM chain ORDER BY batch DESC LIMIT 1'),
        insertChain: db.prepare('INSERT INTO chain (batch, first_id, last_id, events, tags, prev, hash, salt_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
        countMinute: db.prepare(
          'INSERT INTO minute_counts (minute, system_id, count) VALUES (?, ?, ?) ON CONFLICT (minute, system_id) DO UPDATE SET count = count + excluded.count',
        ),
      };
      this.statements.set(db, s);
    }
    return s;
  }

  /**
   * An event that arrived just before midnight but is committed after the first events of the
   * new day would get an id below theirs, behind alert cursors that already passed: it is filed
   * in the new day instead (moved by at most MIDNIGHT_GRACE_MS). Deliberately old arrival times
   * (tests, imports) are kept as they are.
   */
  private arrival(receivedMs: number): number {
    const dayStart = receivedMs - (receivedMs % DAY_MS);
    if (dayStart > this.newestDayStart) this.newestDayStart = dayStart;
    return receivedMs < this.newestDayStart && this.newestDayStart - receivedMs < MIDNIGHT_GRACE_MS ? this.newestDayStart : receivedMs;
  }

  /** Heroku retries a batch within minutes; today's and yesterday's files cover that. */
  private frameSeen(frameId: string, receivedMs: number): boolean {
    for (const day of [dayOf(receivedMs), dayOf(receivedMs - DAY_MS)]) {
      const db = this.partitions.existingWriter(day);
      if (db && this.prepared(db).findFrame.get(frameId)) return true;
    }
    return false;
  }

  /**
   * Commits the submissions and returns, for each, the ids and systems of its events. Returns only
   * after the commit: callers may acknowledge then. Throws when SQLite cannot commit (disk full…).
   * Ids are allocated inside each day file's write transaction from its highest id, so several
   * writers (the server, `driftwood import`, a test) never collide.
   */
  write(submissions: readonly Submission[]): WriteResult[] {
    return this.writePacked(submissions.map((s) => pack(s.events, s.frameId)));
  }

  /**
   * write() of packed submissions (store/packed.ts), as the writer thread gets them. Each event is
   * read from its submission's columns when inserted, and is garbage right after: a flush's 5,000
   * event objects, kept from the start of the write to its end, were copied by every
   * young-generation collection in between.
   */
  writePacked(flush: readonly Packed[]): WriteResult[] {
    const results: WriteResult[] = [];
    // Which events go in each day file: parallel arrays of submission, event and arrival time.
    const byDay = new Map<string, { subs: number[]; events: number[]; ats: number[]; frames: { frameId: string; result: WriteResult }[] }>();
    const framesInFlush = new Set<string>();
    const starts = flush.map(eventStarts);
    flush.forEach((p, s) => {
      const count = p.own.length;
      const result: WriteResult = { ids: new Array<number>(count), systemIds: new Array<number>(count), duplicate: false };
      results.push(result);
      if (p.frameId !== undefined && count && (framesInFlush.has(p.frameId) || this.frameSeen(p.frameId, senderOf(p, 0, 0).receivedMs))) {
        result.duplicate = true;
        return;
      }
      let firstAt = 0;
      for (let i = 0; i < count; i++) {
        const sender = senderOf(p, i, starts[s]![i]!);
        result.systemIds[i] = this.systems.resolve(sender.systemName, sender.sourceIp, sender.receivedMs);
        const at = this.arrival(sender.receivedMs);
        if (i === 0) firstAt = at;
        const day = dayOf(at);
        let bucket = byDay.get(day);
        if (!bucket) byDay.set(day, (bucket = { subs: [], events: [], ats: [], frames: [] }));
        bucket.subs.push(s);
        bucket.events.push(i);
        bucket.ats.push(at);
      }
      if (p.frameId !== undefined && count) {
        framesInFlush.add(p.frameId);
        byDay.get(dayOf(firstAt))!.frames.push({ frameId: p.frameId, result });
      }
    });
    for (const [day, { subs, events, ats, frames }] of byDay) {
      const db = this.partitions.writer(day);
      const s = this.prepared(db);
      const perMinute = new Map<string, number>(); // "minute system" -> count
      const hasher = new BatchHasher(events.length);
      const counted = countedKeys(db);
      const fields = counted && new FieldTally(counted);
      // better-sqlite3 is synchronous: nothing else runs inside this transaction.
      db.transaction(() => {
        let last = (s.maxId.get() as { id: number | null }).id ?? 0;
        // Positions follow commit order, as ids do: the index's rowids (store/positions.ts).
        let pos = s.lastPos?.get() as number | undefined;
        // The batch's chain row goes into this same transaction (docs/SECURITY.md, "Hash chain").
        const head = s.chainHead.get() as { batch: number; hash: string } | undefined;
        const prev = head?.hash ?? this.partitions.manifest.startDay(day, last, (d) => this.partitions.head(d));
        for (let k = 0; k < events.length; k++) {
          const result = results[subs[k]!]!;
          const index = events[k]!;
          const event = eventAt(flush[subs[k]!]!, index, starts[subs[k]!]![index]!);
          const id = (last = nextId(last, ats[k]!));
          result.ids[index] = id;
          const row = toRow(id, result.systemIds[index]!, event.systemName, event);
          hasher.add(row, flush[subs[k]!]!, index);
          // Positional binding: measurably cheaper per row than named parameters.
          if (pos === undefined) s.insertEvent.run(row.id, row.system_id, row.generated_ms, row.source_ip, row.hostname, row.program, row.pri, row.message, row.extra, row.flags);
          else s.insertEvent.run(row.id, row.system_id, row.generated_ms, row.source_ip, row.hostname, row.program, row.pri, row.message, row.extra, row.flags, ++pos);
          const key = `${Math.floor(timeOfId(id) / 60_000)} ${row.system_id}`;
          perMinute.set(key, (perMinute.get(key) ?? 0) + 1);
          fields?.add(row.id, row.system_id, row.program, row.message, row.extra);
        }
        hasher.seal(s.insertChain, day, (head?.batch ?? 0) + 1, prev);
        for (const [key, count] of perMinute) s.countMinute.run(...key.split(' ').map(Number), count);
        fields?.write(db);
        for (const { frameId, result } of frames) s.insertFrame.run(frameId, result.ids[0]);
      }).immediate();
      this.committed(day, events.length);
    }
    // Bookkeeping only, after the commits: a failure here (a full disk) must not report committed
    // events as failed, or the pipeline would commit them again. Flushed on a later write.
    try {
      this.systems.flushLastSeen();
    } catch {
      // kept in memory until the next flush
    }
    return results;
  }
}

/**
 * The stored events of one submission, built from what the pipeline parsed (no re-reading), and
 * only when asked for: with nobody tailing, nothing needs them.
 */
export function storedEvents(eventsOf: () => readonly NewEvent[], r: WriteResult, nameOf: (systemId: number) => string): SubmissionResult {
  if (r.duplicate) return { stored: [], duplicate: true, count: 0 };
  let built: Event[] | undefined;
  return {
    get stored() {
      return (built ??= eventsOf().map((e, i) => newToEvent(r.ids[i]!, r.systemIds[i]!, nameOf(r.systemIds[i]!), e)));
    },
    duplicate: false,
    count: r.ids.length,
    lastId: r.ids.at(-1),
  };
}
