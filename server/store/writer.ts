// The server's event writer: a worker thread that owns the inserts, so that receiving and parsing
// (main thread) and writing (that thread) run on different cores, and a second one that adds the
// committed rows to the full-text index behind it. The pipeline gathers the next batch while the
// writer commits one (group commit).
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../workers.ts';
import { storedEvents } from './events.ts';
import type { Systems } from './systems.ts';
import { extraFieldsObject } from './codec.ts';
import { fieldsOf } from '../../shared/logfmt.ts';
import type { NewEvent, Submission, SubmissionResult, WriteResult } from './types.ts';

/** A batch to commit, or (at start and after an index thread died) the port to the index thread. */
export type WriterRequest = { seq: number; batch: WireBatch } | { indexPort: MessagePort };
/** From the writer thread to the index thread after each commit. */
export interface CommittedNotice {
  day: string;
  rows: number;
}
export type IndexRequest = { seq: number } | { close: true };
export interface IndexReply {
  seq: number;
}

/**
 * What crosses to the writer thread: a flush's events by column, without the logfmt fields the
 * store re-derives. The five texts of every event are one string (structured clone copies it in
 * one piece) with their lengths beside it; the rest are typed arrays and, for the few events that
 * have them, their own fields and flags. For a 5,000-event flush: toWire and the clone 2.65 µs an
 * event, the clone and fromWire 1.4 µs, against 3.3 and 5.2 µs with an array of primitives per
 * event (the full objects cost more still).
 */
export interface WireBatch {
  /** sourceIp, systemName, hostname, program and message of each event, in that order, concatenated. */
  text: string;
  /** Their lengths in UTF-16 units, five an event. */
  lengths: Uint32Array;
  /** receivedMs, generatedAt (NaN for none), severity and facility, four an event. */
  numbers: Float64Array;
  /** Own fields and flags, 0 for an event with none (most). */
  own: (Record<string, string> | 0)[];
  flags: (NewEvent['flags'] | 0)[];
  /** Each submission's frame id (or undefined) and its number of events. */
  submissions: [string | undefined, number][];
}

const NO_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const TEXTS = 5;
const NUMBERS = 4;

/**
 * One submission in the wire's layout, made as it is queued: the parsed events (several objects
 * and strings each) then die young, and what waits for the commit is one flat string and two typed
 * arrays. Events kept until their commit survived young-generation collections, each of which
 * copied every queued event again: at full ingest the main thread spent a quarter of its time there.
 */
export function pack(events: readonly NewEvent[], frameId?: string): WireBatch {
  const count = events.length;
  const texts: string[] = new Array(count * TEXTS);
  const lengths = new Uint32Array(count * TEXTS);
  const numbers = new Float64Array(count * NUMBERS);
  const own: WireBatch['own'] = new Array(count);
  const flags: WireBatch['flags'] = new Array(count);
  for (let i = 0; i < count; i++) {
    const e = events[i]!;
    texts[i * TEXTS] = e.sourceIp;
    texts[i * TEXTS + 1] = e.systemName;
    texts[i * TEXTS + 2] = e.hostname;
    texts[i * TEXTS + 3] = e.program;
    texts[i * TEXTS + 4] = e.message;
    lengths[i * TEXTS] = e.sourceIp.length;
    lengths[i * TEXTS + 1] = e.systemName.length;
    lengths[i * TEXTS + 2] = e.hostname.length;
    lengths[i * TEXTS + 3] = e.program.length;
    lengths[i * TEXTS + 4] = e.message.length;
    numbers[i * NUMBERS] = e.receivedMs;
    numbers[i * NUMBERS + 1] = e.generatedAt ?? NaN;
    numbers[i * NUMBERS + 2] = e.severity;
    numbers[i * NUMBERS + 3] = e.facility;
    const fields = e.ownFields ?? extraFieldsObject(e.message, e.fields);
    own[i] = hasAny(fields) ? fields : 0;
    flags[i] = e.flags.length ? e.flags : 0;
  }
  // join() makes one flat string: no tree of concatenations to keep alive, or to walk when cloned.
  return { text: texts.join(''), lengths, numbers, own, flags, submissions: [[frameId, count]] };
}

/** Packed submissions as one flush, in order. */
export function joinWires(wires: readonly WireBatch[]): WireBatch {
  if (wires.length === 1) return wires[0]!;
  let count = 0;
  for (const w of wires) count += w.own.length;
  const lengths = new Uint32Array(count * TEXTS);
  const numbers = new Float64Array(count * NUMBERS);
  const own: WireBatch['own'] = [];
  const flags: WireBatch['flags'] = [];
  const submissions: WireBatch['submissions'] = [];
  let at = 0;
  for (const w of wires) {
    lengths.set(w.lengths, at * TEXTS);
    numbers.set(w.numbers, at * NUMBERS);
    at += w.own.length;
    for (const o of w.own) own.push(o);
    for (const f of w.flags) flags.push(f);
    for (const sub of w.submissions) submissions.push(sub);
  }
  return { text: wires.map((w) => w.text).join(''), lengths, numbers, own, flags, submissions };
}

export function toWire(submissions: readonly Submission[]): WireBatch {
  return joinWires(submissions.map((s) => pack(s.events, s.frameId)));
}

/** Events `first` to `first + count - 1` of a batch; `fields` only when asked (the store derives its own). */
function eventsOf(batch: WireBatch, first: number, count: number, withFields: boolean): NewEvent[] {
  const { text, lengths, numbers, own, flags } = batch;
  let at = 0;
  for (let k = 0; k < first * TEXTS; k++) at += lengths[k]!;
  let i = first;
  const next = (k: number) => text.slice(at, (at += lengths[i * TEXTS + k]!));
  const events: NewEvent[] = new Array(count);
  for (let j = 0; j < count; j++, i++) {
    // In the order pack() wrote them: each call moves on through the text.
    const sourceIp = next(0);
    const systemName = next(1);
    const hostname = next(2);
    const program = next(3);
    const message = next(4);
    const generatedAt = numbers[i * NUMBERS + 1]!;
    const ownFields = own[i] || NO_FIELDS;
    events[j] = {
      receivedMs: numbers[i * NUMBERS]!, sourceIp, systemName, hostname, program, severity: numbers[i * NUMBERS + 2]!, facility: numbers[i * NUMBERS + 3]!,
      generatedAt: Number.isNaN(generatedAt) ? null : generatedAt, message, fields: withFields ? fieldsOf(message, ownFields) : NO_FIELDS, ownFields, flags: flags[i] || [],
    };
  }
  return events;
}

/** The batch's submissions as the store writes them (in the writer thread). */
export function fromWire(batch: WireBatch): Submission[] {
  let first = 0;
  return batch.submissions.map(([frameId, count]) => {
    const events = eventsOf(batch, first, count, false);
    first += count;
    return { frameId, events };
  });
}

/** What the callers of a committed batch hear; its Events are built from the batch when first asked for (live tail). */
export function committedResults(batch: WireBatch, results: readonly WriteResult[], nameOf: (systemId: number) => string): SubmissionResult[] {
  let first = 0;
  return results.map((r, i) => {
    const from = first;
    const count = batch.submissions[i]![1];
    first += count;
    return storedEvents(() => eventsOf(batch, from, count, true), r, nameOf);
  });
}

function hasAny(o: Record<string, string>): boolean {
  for (const _ in o) return true;
  return false;
}

export type WriterReply = { seq: number; results: WriteResult[] } | { seq: number; error: string; code?: string };

/** SQLite could not write for want of space (SQLITE_FULL: SQLite maps ENOSPC to it). Ingest waits for space then. */
export function isStoreFull(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return err.code === 'SQLITE_FULL' || /database or disk is full|ENOSPC/.test(String(err.message));
}

/** Where the pipeline's flushes go: the writer thread, or the store itself (in process). */
export interface EventSink {
  commit(batch: WireBatch): Promise<SubmissionResult[]> | SubmissionResult[];
}

export class ThreadedWriter implements EventSink {
  private seq = 0;
  private readonly pending = new Map<number, { batch: WireBatch; resolve: (r: SubmissionResult[]) => void; reject: (e: Error) => void }>();
  private readonly indexWaiters = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** Why the writer thread is gone, once it is: later appends fail at once instead of waiting forever. */
  private writerGone: Error | undefined;
  private indexer: Worker | undefined;
  private closing = false;

  private constructor(
    private readonly dataDir: string,
    private readonly writer: Worker,
    private readonly systems: Systems,
  ) {
    writer.on('message', (reply: WriterReply | { ready: true }) => {
      if (!('seq' in reply)) return;
      const p = this.pending.get(reply.seq);
      if (!p) return;
      this.pending.delete(reply.seq);
      if ('error' in reply) p.reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else p.resolve(committedResults(p.batch, reply.results, (id) => this.systems.nameOf(id)));
    });
    // Without an 'error' listener, a worker's uncaught exception would end the whole server.
    writer.on('error', (e) => console.error(`driftwood writer thread failed: ${e.stack ?? e.message}`));
    // A writer thread that dies takes no batch with it silently: every waiting caller is told.
    writer.on('exit', (code) => {
      this.writerGone = new Error(`writer thread exited with code ${code}`);
      for (const p of this.pending.values()) p.reject(this.writerGone);
      this.pending.clear();
    });
  }

  static async start(dataDir: string, systems: Systems): Promise<ThreadedWriter> {
    const writer = await started(startWorker('writer-thread', { dataDir }));
    const threaded = new ThreadedWriter(dataDir, writer, systems);
    await threaded.startIndexer();
    return threaded;
  }

  /**
   * Starts an index thread and connects the writer thread to it. Also after an index thread died:
   * without one, the rows that searches read directly (above the index mark) would only grow. The
   * new one catches up on the newest days first.
   */
  private async startIndexer(): Promise<void> {
    const { port1: writerPort, port2: indexPort } = new MessageChannel();
    const indexer = await started(startWorker('index-thread', { dataDir: this.dataDir, writerPort }, [writerPort]));
    this.writer.postMessage({ indexPort } satisfies WriterRequest, [indexPort]);
    indexer.on('message', (reply: IndexReply | { ready: true }) => {
      if (!('seq' in reply)) return;
      this.indexWaiters.get(reply.seq)?.resolve();
      this.indexWaiters.delete(reply.seq);
    });
    indexer.on('error', (e) => console.error(`driftwood index thread failed: ${e.stack ?? e.message}`));
    indexer.on('exit', (code) => {
      this.indexer = undefined;
      const gone = new Error(`index thread exited with code ${code}`);
      for (const w of this.indexWaiters.values()) w.reject(gone);
      this.indexWaiters.clear();
      if (this.closing) return;
      console.error(`driftwood: ${gone.message}; starting another`);
      this.startIndexer().catch((e: Error) => console.error(`driftwood: cannot start an index thread: ${e.message}`));
    });
    this.indexer = indexer;
  }

  commit(batch: WireBatch): Promise<SubmissionResult[]> {
    if (this.writerGone) return Promise.reject(this.writerGone);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { batch, resolve, reject });
      this.writer.postMessage({ seq, batch } satisfies WriterRequest);
    });
  }

  /** Resolves once every row committed so far is in the full-text index. */
  indexNow(): Promise<void> {
    const indexer = this.indexer;
    if (!indexer) return Promise.reject(new Error('no index thread is running (one is being started)'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.indexWaiters.set(seq, { resolve, reject });
      indexer.postMessage({ seq } satisfies IndexRequest);
    });
  }

  /** The worker threads, for tests that make one fail. */
  get threads(): { writer: Worker; indexer: Worker | undefined } {
    return { writer: this.writer, indexer: this.indexer };
  }

  /** Closes the databases in both threads and ends them; call once nothing is pending. */
  async close(): Promise<void> {
    this.closing = true;
    for (const thread of [this.writerGone ? undefined : this.writer, this.indexer]) {
      if (!thread) continue;
      const exited = new Promise((resolve) => thread.once('exit', resolve));
      thread.postMessage({ close: true });
      await exited;
    }
  }
}

/** Resolves with the worker once it says it is ready (its databases are open). */
function started(worker: Worker): Promise<Worker> {
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}
