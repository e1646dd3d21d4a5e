// The server's event writer: a worker thread that owns the inserts, so that receiving and parsing
// (main thread) and writing (that thread) run on different cores, and a second one that adds the
// committed rows to the full-text index behind it. The pipeline gathers the next batch while the
// writer commits one (group commit).
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../workers.ts';
import { storedEvents } from './events.ts';
import { unpack, type Packed } from './packed.ts';
import type { Systems } from './systems.ts';
import type { SubmissionResult, WriteResult } from './types.ts';

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

/** What the callers of a committed flush hear; its Events are built from it when first asked for (live tail). */
export function committedResults(flush: readonly Packed[], results: readonly WriteResult[], nameOf: (systemId: number) => string): SubmissionResult[] {
  return results.map((r, i) => storedEvents(() => unpack(flush[i]!, true), r, nameOf));
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
