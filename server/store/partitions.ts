// One SQLite file per UTC day (events/YYYY-MM-DD.sqlite): retention unlinks a file instead of
// running a giant DELETE (STYLE 14), and searches walk the days newest first. A day's full-text
// index is in a file of its own (events/YYYY-MM-DD.fts.sqlite, since day/0005; inside the day file
// before), written on the index thread: separate files have separate write locks, so indexing
// never holds up the commits that drain requests wait for. Readers ATTACH the index file, so
// queries name `events` and `events_fts` alike in both layouts.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closeSideConnection } from './blocks.ts';
import { dayHead, type DayHead } from './chain.ts';
import { openDb, openReadOnly, type Db } from './db.ts';
import { Manifest } from './manifest.ts';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.sqlite$/;
const TRUSTED_AFTER_MS = 1000; // see days()
const READERS_MAX = 64; // open read handles kept; older days are reopened on demand

const DAY_MS = 86_400_000;
let lastDay = { start: NaN, name: '' }; // called per row on the write path: cache the current day

export function dayOf(ms: number): string {
  const start = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
  if (start !== lastDay.start) lastDay = { start, name: new Date(start).toISOString().slice(0, 10) };
  return lastDay.name;
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export class Partitions {
  private readonly dir: string;
  /** Day files as ingest writes them: no index attached, so BEGIN IMMEDIATE locks the day file only. */
  private readonly writers = new Map<string, Db>();
  /** Day files with their index reachable, for queries. */
  private readonly readers = new Map<string, Db>();
  /** Day files with their index attached, for the index thread (its newest days only). */
  private readonly indexers = new Map<string, Db>();
  /** Readers opened before their index file existed (read-only): attached once it does. */
  private readonly withoutIndex = new WeakSet<Db>();

  private manifestHandle: Manifest | undefined;
  private listing: { mtimeMs: number; atMs: number; days: string[] } | undefined;

  /** `readOnly`: connections for a reading thread (the alert counter), which never migrates or writes. */
  constructor(
    readonly dataDir: string,
    private readonly opts: { readOnly?: boolean } = {},
  ) {
    this.dir = join(dataDir, 'events');
    if (!opts.readOnly) mkdirSync(this.dir, { recursive: true });
  }

  /** The manifest of days (data/integrity.sqlite), opened on first use. */
  get manifest(): Manifest {
    if (this.opts.readOnly) throw new Error('BUG: manifest of read-only partitions');
    return (this.manifestHandle ??= new Manifest(join(this.dataDir, 'integrity.sqlite'), { days: () => this.days(), kind: (day) => this.kind(day) }));
  }

  private kind(day: string): 'empty' | 'legacy' | 'chained' {
    if (this.head(day)) return 'chained';
    return this.reader(day)?.prepare('SELECT 1 FROM events LIMIT 1').get() ? 'legacy' : 'empty';
  }

  /** A day's hash chain head; undefined when it has no file or no batch yet. */
  head(day: string): DayHead | undefined {
    // A reader, not a writer handle: the writer may be inside another day's transaction, whose
    // handle keepTwo() must not close.
    const db = this.reader(day);
    return db && dayHead(db, day);
  }

  /**
   * Days that have a file, newest first. Every search asks; the directory is listed again only
   * when its modification time moved (another thread or process creates day files). A listing
   * is trusted only if it was made over a second after that time, so that a file created in the
   * same tick of a coarse file-system clock cannot hide behind an unchanged mtime.
   */
  days(): string[] {
    const dir = statSync(this.dir, { throwIfNoEntry: false });
    if (!dir) return [];
    const listed = this.listing;
    if (listed && listed.mtimeMs === dir.mtimeMs && listed.atMs - dir.mtimeMs > TRUSTED_AFTER_MS) return [...listed.days];
    const atMs = Date.now();
    const days = readdirSync(this.dir)
      .map((f) => DAY_FILE.exec(f)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort()
      .reverse();
    this.listing = { mtimeMs: dir.mtimeMs, atMs, days };
    return [...days]; // callers may reorder their copy
  }

  pathOf(day: string): string {
    return join(this.dir, `${day}.sqlite`);
  }

  /** The file holding a day's full-text index, unless the day file holds it (older files). */
  indexPathOf(day: string): string {
    return join(this.dir, `${day}.fts.sqlite`);
  }

  /** The read-write handle for a day, creating its file (and its index file). */
  writer(day: string): Db {
    return this.writerHandle(day, true)!;
  }

  /** The read-write handle for a day that has a file; undefined, and no file made, otherwise. */
  existingWriter(day: string): Db | undefined {
    return this.writerHandle(day, false);
  }

  private writerHandle(day: string, create: boolean): Db | undefined {
    if (this.opts.readOnly) throw new Error('BUG: writer() on read-only partitions');
    let db = this.writers.get(day);
    if (!db) {
      db = create ? openDb(this.pathOf(day), 'day') : openIfExists(this.pathOf(day), (path) => openDb(path, 'day', { mustExist: true }));
      if (!db) return undefined;
      // Created with the day file, so that readers, read-only ones too, always find it.
      if (!hasInlineIndex(db)) this.createIndexFile(day);
      this.writers.set(day, db);
      keepTwo(this.writers, day);
    }
    return db;
  }

  /** A handle for reading a day, its index included; undefined when the day has no file. */
  reader(day: string): Db | undefined {
    let db = this.readers.get(day);
    if (db) {
      this.readers.delete(day); // re-insert: Map order is our LRU order
      this.readers.set(day, db);
      if (this.withoutIndex.has(db)) this.attachIndex(db, day);
      return db;
    }
    db = this.openWithIndex(day);
    if (!db) return undefined;
    this.readers.set(day, db);
    if (this.readers.size > READERS_MAX) {
      const [oldest, handle] = this.readers.entries().next().value as [string, Db];
      handle.close();
      this.readers.delete(oldest);
    }
    return db;
  }

  /**
   * The indexer's handle for a day: like a reader's, kept apart from the readers so that the
   * index thread holds at most two days open. Indexing transactions write the index file only.
   */
  indexer(day: string): Db | undefined {
    let db = this.indexers.get(day);
    if (!db) {
      db = this.openWithIndex(day);
      if (!db) return undefined;
      // What this handle commits to the day file is sealing (store/sealer.ts): a seal lost with
      // its unsynced WAL frames at a power cut rolls back whole, leaving the rows it would have
      // moved, so it needs no fsync of its own (the writer's next commit syncs it). 2.5 ms a
      // block went to those fsyncs.
      if (!this.opts.readOnly) db.pragma('main.synchronous = NORMAL');
      this.indexers.set(day, db);
      keepTwo(this.indexers, day);
    }
    return db;
  }

  /**
   * The day file with its index attached (unless the index is inside it). Never creates a day
   * file: retention may have just deleted it (on another thread), and a file made anew would
   * bring the deleted day back as an empty one.
   */
  private openWithIndex(day: string): Db | undefined {
    const db = openIfExists(this.pathOf(day), (path) => (this.opts.readOnly ? openReadOnly(path) : openDb(path, 'day', { mustExist: true }))); // migrates older files
    if (db && !hasInlineIndex(db)) this.attachIndex(db, day);
    return db;
  }

  /** Creates (or migrates) a day's index file; a new one is empty, and the indexer fills it. */
  private createIndexFile(day: string): void {
    openDb(this.indexPathOf(day), 'fts').close();
  }

  private attachIndex(db: Db, day: string): void {
    const path = this.indexPathOf(day);
    if (this.opts.readOnly && !existsSync(path)) {
      // Nothing indexed is reachable: queries read this day's rows directly (store/unindexed.ts).
      this.withoutIndex.add(db);
      return;
    }
    if (!this.opts.readOnly) this.createIndexFile(day); // made anew if it was deleted: the indexer rebuilds it
    db.prepare('ATTACH ? AS fts').run(path);
    this.withoutIndex.delete(db);
  }

  bytesOnDisk(): number {
    let total = 0;
    for (const f of readdirSync(this.dir)) total += statSync(join(this.dir, f)).size;
    return total;
  }

  /** Removes a whole day: its file, its index file and their WALs, after its tombstone (final head) is in the manifest. */
  drop(day: string, nowMs = Date.now()): void {
    this.manifest.tombstone(day, this.head(day), nowMs);
    for (const map of [this.writers, this.readers, this.indexers]) {
      map.get(day)?.close();
      map.delete(day);
    }
    closeSideConnection(this.pathOf(day));
    for (const path of [this.pathOf(day), this.indexPathOf(day)]) for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }

  close(): void {
    closeSideConnection(this.dir);
    this.manifestHandle?.close();
    this.manifestHandle = undefined;
    for (const map of [this.writers, this.readers, this.indexers]) {
      for (const db of map.values()) db.close();
      map.clear();
    }
  }
}

/** Opens a file that must exist; undefined when it does not (deleted meanwhile, say). */
function openIfExists(path: string, open: (path: string) => Db): Db | undefined {
  // Asked first: a failed open costs ~70 µs (an error built and thrown), and the writer asks for
  // yesterday's file on every drain request with a frame id, which a young server does not have.
  if (!existsSync(path)) return undefined;
  try {
    return open(path);
  } catch (e) {
    if (!existsSync(path)) return undefined;
    throw e;
  }
}

/** True for day files from before day/0005 that hold events: their index is inside them. */
export function hasInlineIndex(db: Db): boolean {
  return db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'events_fts'").get() !== undefined;
}

/**
 * Keeps at most two handles open, the one just opened and the newest other: only the two newest
 * days receive writes in practice, and the index thread's sweep of older days (index-thread.ts)
 * moves one day at a time.
 */
function keepTwo(handles: Map<string, Db>, justOpened: string): void {
  while (handles.size > 2) {
    const oldest = [...handles.keys()].filter((d) => d !== justOpened).sort()[0]!;
    handles.get(oldest)!.close();
    handles.delete(oldest);
  }
}
