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

/** A flush to commit, or (at start and after an index thread died) the port to the index thread. */
export type WriterRequest = { seq: number; flush: readonly Packed[] } | { indexPort: MessagePort };
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
 * One submission by column, as it waits in the pipeline's queue and crosses to the writer thread,
 * without the logfmt fields the store re-derives. The five texts of every event are one flat
 * string (structured clone copies it in one piece) with their lengths beside it; the rest are
 * typed arrays and, for the few events that have them, their own fields and flags. A flush is an
 * array of these: joining them into one cost the main thread ~1 µs an event (a 1.25 MB string a
 * flush, allocated outside the young generation and mapped anew each time). For a 5,000-event
 * flush, by column against an array of primitives per event: the main thread's side 3.3 → 2.65 µs
 * an event, the writer's 5.2 → 1.4 µs (the full objects cost more still).
 */
export interface Packed {
  frameId: string | undefined;
  /** sourceIp, systemName, hostname, program and message of each event, in that order, concatenated. */
  text: string;
  /** Their lengths in UTF-16 units, five an event. */
  lengths: Uint32Array;
  /** receivedMs, generatedAt (NaN for none), severity and facility, four an event. */
  numbers: Float64Array;
  /** Own fields and flags, 0 for an event with none (most). */
  own: (Record<string, string> | 0)[];
  flags: (NewEvent['flags'] | 0)[];
}

const NO_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const TEXTS = 5;
const NUMBERS = 4;

/**
 * A submission packed as it is queued: the parsed events (several objects and strings each) then
 * die young, and what waits for the commit is one flat string and two typed arrays. Events kept
 * until their commit survived young-generation collections, each of which copied every queued
 * event again: at full ingest the main thread spent a quarter of its time there.
 */
export function pack(events: readonly NewEvent[], frameId?: string): Packed {
  const count = events.length;
  const texts: string[] = new Array(count * TEXTS);
  const lengths = new Uint32Array(count * TEXTS);
  const numbers = new Float64Array(count * NUMBERS);
  const own: Packed['own'] = new Array(count);
  const flags: Packed['flags'] = new Array(count);
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
  return { frameId, text: texts.join(''), lengths, numbers, own, flags };
}

/** A packed submission's events; `fields` only when asked (the store derives its own). */
export function unpack(p: Packed, withFields = false): NewEvent[] {
  const { text, lengths, numbers, own, flags } = p;
  const events: NewEvent[] = new Array(own.length);
  let at = 0;
  let i = 0;
  const next = (k: number) => text.slice(at, (at += lengths[i * TEXTS + k]!));
  for (; i < events.length; i++) {
    // In the order pack() wrote them: each call moves on through the text.
    const sourceIp = next(0);
    const systemName = next(1);
    const hostname = next(2);
    const program = next(3);
    const message = next(4);
    const generatedAt = numbers[i * NUMBERS + 1]!;
    const ownFields = own[i] || NO_FIELDS;
    events[i] = {
      receivedMs: numbers[i * NUMBERS]!, sourceIp, systemName, hostname, program, severity: numbers[i * NUMBERS + 2]!, facility: numbers[i * NUMBERS + 3]!,
      generatedAt: Number.isNaN(generatedAt) ? null : generatedAt, message, fields: withFields ? fieldsOf(message, ownFields) : NO_FIELDS, ownFields, flags: flags[i] || [],
    };
  }
  return events;
}

/** A flush as the store writes it (in the writer thread). */
export function fromWire(flush: readonly Packed[]): Submission[] {
  return flush.map((p) => ({ frameId: p.frameId, events: unpack(p) }));
}

/** What the callers of a committed flush hear; its Events are built from it when first asked for (live tail). */
export function committedResults(flush: readonly Packed[], results: readonly WriteResult[], nameOf: (systemId: number) => string): SubmissionResult[] {
  return results.map((r, i) => storedEvents(() => unpack(flush[i]!, true), r, nameOf));
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
  commit(flush: readonly Packed[]): Promise<SubmissionResult[]> | SubmissionResult[];
}

export class ThreadedWriter implements EventSink {
  private seq = 0;
  private readonly pending = new Map<number, { flush: readonly Packed[]; resolve: (r: SubmissionResult[]) => void; reject: (e: Error) => void }>();
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
      else p.resolve(committedResults(p.flush, reply.results, (id) => this.systems.nameOf(id)));
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

  commit(flush: readonly Packed[]): Promise<SubmissionResult[]> {
    if (this.writerGone) return Promise.reject(this.writerGone);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { flush, resolve, reject });
      this.writer.postMessage({ seq, flush } satisfies WriterRequest);
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
