// The one path every line takes: listeners hand in attributed events, the pipeline batches them
// (group commit), the store commits, callers are answered, and subscribers (live tail) are told.
import type { Event } from '../../shared/event.ts';
import type { Logger } from '../log.ts';
import { BUCKETS, type Metrics } from '../metrics.ts';
import { pack, type Packed } from '../store/packed.ts';
import { isStoreFull, type EventSink } from '../store/writer.ts';
import type { NewEvent, SubmissionResult } from '../store/types.ts';

// A flush commits everything queued since the previous one, up to this many events: large enough
// that commits stay few under load, small enough that one commit stays well under Heroku's 5 s.
const FLUSH_EVENTS_MAX = 5_000;
// Batches handed to the writer thread at once: while it commits one, the next is already on its
// way, so request latency (and so throughput for a sender with few requests in flight) stays low.
const FLUSHES_IN_FLIGHT_MAX = 2;
// Beyond this many events received and not yet committed, or this many characters of their
// messages, drains answer 503 (Heroku retries), TCP readers pause, UDP drops. Both bound memory:
// the count for ordinary lines (~0.7 KB each with what the pipeline keeps), the characters for
// senders of 64 KB lines. Two flushes of 5,000 events keep the writer busy; more only costs memory.
export const QUEUE_HIGH_WATER = 10_000;
export const QUEUE_HIGH_WATER_CHARS = 16 * 1024 * 1024;
// A full disk: the batch that could not be committed is tried again this often, and ingest is
// refused meanwhile (drains 503, TCP paused, UDP dropped) instead of queueing without bound.
export const STORE_FULL_RETRY_MS = 1000;

interface Pending {
  /** Arrival order: batches put back after a full disk keep it. */
  seq: number;
  /** The events, packed as they were queued (store/packed.ts). */
  packed: Packed;
  count: number;
  chars: number;
  transport: string;
  resolve: (r: SubmissionResult) => void;
  reject: (e: Error) => void;
}

/** What listeners hear after each commit; `events()` builds the Event objects on first call. */
export interface CommittedBatch {
  lastId: number | undefined;
  events(): Event[];
}

export type CommitListener = (batch: CommittedBatch) => void;

export class Pipeline {
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private queuedChars = 0;
  private flushScheduled = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private readonly listeners = new Set<CommitListener>();
  private readonly drainWaiters = new Set<() => void>();
  private closed = false;
  private seq = 0;
  /** Set while the store's disk is full: the next attempt's timer. */
  private fullRetry: NodeJS.Timeout | undefined;
  private storeFull = false;

  /** `sink` commits batches: the store itself (synchronous) or its writer thread. */
  constructor(
    private readonly sink: EventSink,
    private readonly metrics: Metrics,
    private readonly log?: Logger,
  ) {
    metrics.gauge('driftwood_ingest_queue_events', 'events received and not yet committed', () => this.queuedEvents);
    metrics.gauge('driftwood_store_full', '1 while the disk of the store is full and ingest is refused', () => (this.storeFull ? 1 : 0));
  }

  /** True while the writer is behind or the disk is full: callers should push back (503, pause) rather than queue more. */
  get overloaded(): boolean {
    return this.storeFull || this.queuedEvents >= QUEUE_HIGH_WATER || this.queuedChars >= QUEUE_HIGH_WATER_CHARS;
  }

  /** Why ingest is refused, for the 503's message; undefined when it is not. */
  get refusal(): string | undefined {
    if (this.storeFull) return "the server's disk is full: retry later";
    return this.overloaded ? 'ingest queue full: retry later' : undefined;
  }

  /** Resolves once the queue is back under the low-water mark (TCP readers resume then). */
  whenDrained(callback: () => void): void {
    if (!this.overloaded) callback();
    else this.drainWaiters.add(callback);
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a batch; resolves after it is committed (the moment it may be acknowledged). */
  submit(events: NewEvent[], transport: string, frameId?: string): Promise<SubmissionResult> {
    if (this.closed) return Promise.reject(new Error('cannot accept events: server is shutting down'));
    this.metrics.inc('driftwood_events_received_total', 'events received, by transport', { transport }, events.length);
    return new Promise((resolve, reject) => {
      let chars = 0;
      for (const e of events) chars += e.message.length;
      this.queue.push({ seq: ++this.seq, packed: pack(events, frameId), count: events.length, chars, transport, resolve, reject });
      this.queuedEvents += events.length;
      this.queuedChars += chars;
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.fullRetry || this.inFlight >= FLUSHES_IN_FLIGHT_MAX || !this.queue.length) return;
    this.flushScheduled = true;
    // setImmediate lets the requests that arrive in the same turn join this commit.
    setImmediate(() => {
      this.flushScheduled = false;
      this.inFlight++;
      void this.flushOnce().finally(() => {
        this.inFlight--;
        this.scheduleFlush();
        if (!this.inFlight && !this.queue.length) this.idle?.();
      });
      this.scheduleFlush();
    });
  }

  private async flushOnce(): Promise<void> {
    const batch: Pending[] = [];
    let count = 0;
    let chars = 0;
    while (this.queue.length && (count === 0 || count + this.queue[0]!.count <= FLUSH_EVENTS_MAX)) {
      const p = this.queue.shift()!;
      batch.push(p);
      count += p.count;
      chars += p.chars;
    }
    let results: SubmissionResult[];
    const started = performance.now();
    try {
      results = await this.sink.commit(batch.map((p) => p.packed));
      this.metrics.observe('driftwood_commit_duration_seconds', 'time from a flush to its commit (one transaction per day file), as drains wait for it', BUCKETS.commit, (performance.now() - started) / 1000);
    } catch (e) {
      if (isStoreFull(e) && !this.closed) return this.waitForSpace(batch, e as Error);
      const error = new Error(`cannot append ${count} events to store: ${(e as Error).message}`);
      this.queuedEvents -= count;
      this.queuedChars -= chars;
      for (const p of batch) {
        this.metrics.inc('driftwood_events_rejected_total', 'events not stored because the store failed', { transport: p.transport }, p.count);
        p.reject(error);
      }
      this.afterFlush();
      return;
    }
    this.queuedEvents -= count;
    this.queuedChars -= chars;
    if (this.storeFull) {
      this.storeFull = false;
      this.log?.info('the store has space again: ingest resumed');
    }
    let lastId: number | undefined;
    batch.forEach((p, i) => {
      const r = results[i]!;
      this.metrics.inc('driftwood_events_stored_total', 'events committed to the store, by transport', { transport: p.transport }, r.count);
      if (r.duplicate) this.metrics.inc('driftwood_events_duplicate_total', 'events of retried drain batches already stored', { transport: p.transport }, p.count);
      if (r.lastId !== undefined) lastId = r.lastId;
      p.resolve(r);
    });
    let events: Event[] | undefined;
    const committed: CommittedBatch = { lastId, events: () => (events ??= results.flatMap((r) => r.stored)) };
    for (const listener of this.listeners) listener(committed);
    this.afterFlush();
  }

  /**
   * The disk is full: nothing of the batch was committed (each day file's transaction rolled back).
   * It goes back to the head of the queue, in arrival order, and is tried again every
   * STORE_FULL_RETRY_MS; meanwhile ingest is refused. Its drain requests answer 503 when their
   * deadline passes, and Heroku's retries are deduplicated by their frame ids once it commits.
   */
  private waitForSpace(batch: Pending[], e: Error): void {
    this.queue = [...batch, ...this.queue].sort((a, b) => a.seq - b.seq);
    if (!this.storeFull) {
      this.storeFull = true;
      this.log?.error(`cannot commit ${batch.length} batches: ${e.message}; refusing new events (drains 503, TCP paused, UDP dropped) until the disk has space`);
    }
    this.fullRetry ??= setTimeout(() => {
      this.fullRetry = undefined;
      this.scheduleFlush();
    }, STORE_FULL_RETRY_MS);
  }

  private afterFlush(): void {
    const belowLowWater = !this.storeFull && this.queuedEvents <= QUEUE_HIGH_WATER / 2 && this.queuedChars <= QUEUE_HIGH_WATER_CHARS / 2;
    if (belowLowWater && this.drainWaiters.size) {
      const waiters = [...this.drainWaiters];
      this.drainWaiters.clear();
      for (const w of waiters) w();
    }
  }

  /** Commits everything still queued; later submissions are refused. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.fullRetry) {
      // One last attempt; if the disk is still full, the queued batches fail (none was acknowledged).
      clearTimeout(this.fullRetry);
      this.fullRetry = undefined;
      this.scheduleFlush();
    }
    if (!this.inFlight && !this.queue.length && !this.flushScheduled) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
