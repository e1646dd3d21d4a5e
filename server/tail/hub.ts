// In-process pub/sub for the live tail (DESIGN 4, STYLE boundary 7). The pipeline publishes every
// committed batch; each subscriber keeps the matches in its own bounded queue, flushed in batches
// to a sink. The hub knows no sockets: a sink only says whether it can take more now, and takes a
// message. When a sink cannot keep up, the hub drops that subscriber's oldest queued events and
// tells it how many, with their id range, so that it can fetch them through search. Publishing
// never waits for any subscriber: ingest runs at the speed of the store, not of the slowest client.
import type { TailLive, TailSkipped } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import type { Logger } from '../log.ts';
import type { CommittedBatch } from '../ingest/pipeline.ts';
import type { Metrics } from '../metrics.ts';

// Matches queued per subscriber, and their bytes of JSON; beyond either the oldest go and the
// client is told "skipped". 5000 is half a second of a 10,000 lines/s firehose (a client's GC pause
// or a slow link's hiccup passes unnoticed); 4 MiB bounds what a stalled client pins in memory
// even when every line is DRIFTWOOD_MAX_MESSAGE_BYTES long (encoded events are shared by tails).
export const TAIL_QUEUE_MAX = 5000;
export const TAIL_QUEUE_BYTES_MAX = 4 * 1024 * 1024;
// How long a match may wait in the queue before it is sent: DESIGN asks ≤ 100 ms from commit to
// send; batching over this window turns 10,000 lines/s into 20 frames/s per client, not 100s.
export const TAIL_FLUSH_MS = 50;
// One frame carries at most this many events / about this many bytes of JSON, so a single send
// never puts more than that into a socket buffer that is already near TAIL_SOCKET_BUFFER_MAX.
export const TAIL_BATCH_MAX = 500;
export const TAIL_BATCH_BYTES_MAX = 1024 * 1024;
// Live tails one user may hold open: a person's browser tabs and terminals fit; a script that
// reconnects without closing hits it instead of exhausting the server.
export const TAILS_PER_USER_MAX = 20;

/**
 * A published event with its JSON as UTF-8 bytes, encoded once however many subscribers send it
 * (a frame is then a copy of bytes, not a string join and re-encoding per client).
 */
export class TailItem {
  readonly id: number;
  private encoded?: Buffer;
  constructor(readonly event: Event) {
    this.id = Number(event.id);
  }
  get json(): Buffer {
    return (this.encoded ??= Buffer.from(JSON.stringify(this.event)));
  }
}

export type TailOut = { type: 'events'; items: TailItem[] } | TailSkipped | TailLive;

/** Where a subscriber's messages go (http/routes/tail.ts adapts a WebSocket to it). */
export interface TailSink {
  /** False while the client is still busy with what it was sent: the hub keeps queuing instead. */
  ready(): boolean;
  send(message: TailOut): void;
}

const EVENTS_HEAD = Buffer.from('{"type":"events","events":[');
const EVENTS_TAIL = Buffer.from(']}');
const COMMA = Buffer.from(',');

/** The wire form of a TailOut (a TailMessage, UTF-8 JSON), with each event's bytes reused. */
export function encodeTailOut(m: TailOut): Buffer {
  if (m.type !== 'events') return Buffer.from(JSON.stringify(m));
  const parts: Buffer[] = [EVENTS_HEAD];
  m.items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item.json);
  });
  parts.push(EVENTS_TAIL);
  return Buffer.concat(parts);
}

interface Skip {
  count: number;
  fromId: number;
  toId: number;
}

export interface SubscribeOptions {
  /** Whose tail: TAILS_PER_USER_MAX applies per owner. */
  owner: string;
  match: (event: Event) => boolean;
  sink: TailSink;
}

/**
 * One subscriber. It starts held: matches queue up (dropping the oldest beyond the bounds)
 * but nothing is sent until live(), so that the stored events before it can be sent first.
 */
export class Subscription {
  private queue: TailItem[] = [];
  private head = 0;
  private queuedBytes = 0;
  private skip: Skip | undefined;
  private isLive = false;
  /**
   * The greatest id this client has been sent or told it is past (live()). A match published with
   * an id up to it was already sent from the store: the first tail after a start reads the store
   * up to the newest committed id, and that commit's publish may come after the tail went live.
   */
  private through = 0;
  closed = false;

  constructor(
    private readonly hub: TailHub,
    readonly owner: string,
    readonly match: (event: Event) => boolean,
    private readonly sink: TailSink,
    /** Every event with a greater id reaches this subscription; the others were committed before. */
    readonly startId: number | undefined,
  ) {}

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** @internal the hub's publish: never blocks, drops the oldest beyond the bounds (keeps the newest). */
  push(item: TailItem): void {
    if (item.id <= this.through) return; // sent from the store already
    this.queue.push(item);
    this.queuedBytes += item.json.length;
    while (this.queued > 1 && (this.queued > TAIL_QUEUE_MAX || this.queuedBytes > TAIL_QUEUE_BYTES_MAX)) {
      const dropped = this.take();
      if (this.skip) {
        this.skip.count++;
        this.skip.toId = dropped.id;
      } else this.skip = { count: 1, fromId: dropped.id, toId: dropped.id };
    }
    if (this.head >= TAIL_QUEUE_MAX) this.compact();
  }

  /** Removes and returns the oldest queued item. */
  private take(): TailItem {
    const item = this.queue[this.head++]!;
    this.queuedBytes -= item.json.length;
    return item;
  }

  private compact(): void {
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }

  /** While held: the matches dropped so far (oldest first, contiguous), and forget them. */
  takeDropped(): { count: number; fromId: number; toId: number } | undefined {
    const s = this.skip;
    this.skip = undefined;
    return s;
  }

  get ready(): boolean {
    return !this.closed && this.sink.ready();
  }

  /** Sends stored events now (resume/backfill, while held), in frames bounded as live ones are. */
  deliver(events: readonly Event[]): void {
    if (this.closed) return;
    const items = events.map((e) => new TailItem(e));
    for (let start = 0; start < items.length; ) {
      const end = batchEnd(items, start);
      this.sendItems(items.slice(start, end));
      start = end;
    }
  }

  /**
   * Ends the held phase: the matches with id <= afterId were sent from the store, so queued ones
   * up to it are discarded; the client is told {type:"live"}, and the queue follows.
   */
  live(afterId: number): void {
    if (this.closed || this.isLive) return;
    this.sink.send({ type: 'live', last_id: String(afterId) });
    this.through = Math.max(this.through, afterId);
    while (this.queued > 0 && this.queue[this.head]!.id <= afterId) this.take();
    if (this.skip && this.skip.toId <= afterId) this.skip = undefined;
    this.compact();
    this.isLive = true;
    this.hub.scheduleFlush();
  }

  /** @internal sends what the sink takes now; true when something is still waiting. */
  flush(): boolean {
    if (!this.isLive || this.closed) return false;
    if (!this.skip && this.queued === 0) return false;
    if (!this.sink.ready()) return true;
    if (this.skip) {
      const s = this.skip;
      this.skip = undefined;
      this.hub.countSkipped(s.count);
      this.sink.send({ type: 'skipped', count: s.count, min_id: String(s.fromId - 1), max_id: String(s.toId + 1) });
    }
    while (this.queued > 0 && this.sink.ready()) {
      const end = batchEnd(this.queue, this.head);
      const batch = this.queue.slice(this.head, end);
      for (const item of batch) this.queuedBytes -= item.json.length;
      this.head = end;
      this.sendItems(batch);
    }
    if (this.queued === 0) {
      this.queue = [];
      this.head = 0;
      this.queuedBytes = 0;
    }
    return this.queued > 0;
  }

  private sendItems(items: TailItem[]): void {
    if (items.length === 0) return;
    this.through = Math.max(this.through, items.at(-1)!.id);
    this.hub.countSent(items.length);
    this.sink.send({ type: 'events', items });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.hub.remove(this);
  }
}

/** Where the frame that starts at items[start] ends: TAIL_BATCH_MAX events or about TAIL_BATCH_BYTES_MAX. */
function batchEnd(items: readonly TailItem[], start: number): number {
  let bytes = 0;
  let end = start;
  while (end < items.length && end - start < TAIL_BATCH_MAX && bytes < TAIL_BATCH_BYTES_MAX) bytes += items[end++]!.json.length;
  return end;
}

export type SubscribeResult = { ok: true; subscription: Subscription } | { ok: false; message: string };

export class TailHub {
  private readonly subs = new Set<Subscription>();
  private readonly perOwner = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The greatest id published so far (undefined until the first commit after start). */
  lastId: number | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    metrics.gauge('driftwood_tail_open', 'live tails connected', () => this.subs.size);
    // Both counters exist from the start, so that a scrape shows 0 rather than nothing.
    metrics.inc('driftwood_tail_events_sent_total', 'events sent to live tails', {}, 0);
    metrics.inc('driftwood_tail_events_skipped_total', 'matches dropped for live tails that fell behind (the client is told)', {}, 0);
  }

  get size(): number {
    return this.subs.size;
  }

  subscribe(opts: SubscribeOptions): SubscribeResult {
    if (this.closed) return { ok: false, message: 'the server is shutting down' };
    const open = this.perOwner.get(opts.owner) ?? 0;
    if (open >= TAILS_PER_USER_MAX) return { ok: false, message: `too many live tails: you have ${open} open, at most ${TAILS_PER_USER_MAX}; close one first` };
    const sub = new Subscription(this, opts.owner, opts.match, opts.sink, this.lastId);
    this.subs.add(sub);
    this.perOwner.set(opts.owner, open + 1);
    return { ok: true, subscription: sub };
  }

  /** A commit nobody is subscribed to: remember how far the store has got. */
  advance(lastId: number | undefined): void {
    if (lastId !== undefined && (this.lastId === undefined || lastId > this.lastId)) this.lastId = lastId;
  }

  /** Called with every committed batch (pipeline.onCommit). Never throws into the pipeline. */
  publish(events: readonly Event[]): void {
    if (this.closed) throw new Error('BUG: hub.publish called after close');
    if (events.length === 0) return;
    const last = Number(events[events.length - 1]!.id);
    if (this.lastId === undefined || last > this.lastId) this.lastId = last;
    if (this.subs.size === 0) return;
    let any = false;
    for (const e of events) {
      let item: TailItem | undefined; // one per event, shared by every subscriber it matches
      for (const sub of this.subs) {
        try {
          if (!sub.match(e)) continue;
        } catch (err) {
          // A matcher bug must not stop ingest or the other tails: end this one tail only.
          this.log.error(`live tail: cannot match event ${e.id}: ${(err as Error).stack ?? String(err)}`);
          sub.close();
          continue;
        }
        sub.push((item ??= new TailItem(e)));
        any = true;
      }
    }
    if (any) this.scheduleFlush();
  }

  /** @internal */
  scheduleFlush(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      let waiting = false;
      for (const sub of this.subs) if (sub.flush()) waiting = true;
      // A client that was not ready is polled again: its queue keeps the newest matches.
      if (waiting) this.scheduleFlush();
    }, TAIL_FLUSH_MS);
  }

  /** @internal */
  countSent(n: number): void {
    this.metrics.inc('driftwood_tail_events_sent_total', 'events sent to live tails', {}, n);
  }

  /** @internal */
  countSkipped(n: number): void {
    this.metrics.inc('driftwood_tail_events_skipped_total', 'matches dropped for live tails that fell behind (the client is told)', {}, n);
  }

  /** @internal */
  remove(sub: Subscription): void {
    if (!this.subs.delete(sub)) return;
    const n = (this.perOwner.get(sub.owner) ?? 1) - 1;
    if (n <= 0) this.perOwner.delete(sub.owner);
    else this.perOwner.set(sub.owner, n);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const sub of [...this.subs]) sub.close();
  }
}

/** A hub fed by every commit of `pipeline` (main.ts wires it once); stop() unhooks, then closes. */
export function startTailHub(pipeline: { onCommit(listener: (batch: CommittedBatch) => void): () => void }, metrics: Metrics, log: Logger): { hub: TailHub; stop(): void } {
  const hub = new TailHub(metrics, log);
  // With nobody tailing, only the last id matters (where the next tail starts): no Event objects.
  const off = pipeline.onCommit((batch) => (hub.size ? hub.publish(batch.events()) : hub.advance(batch.lastId)));
  return {
    hub,
    stop() {
      off();
      hub.close();
    },
  };
}
