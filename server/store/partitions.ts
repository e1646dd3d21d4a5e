// One SQLite file per UTC day (events/YYYY-MM-DD.sqlite): retention unlinks a file instead of
// running a giant DELETE (STYLE 14), and searches walk the days newest first.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, openReadOnly, type Db } from './db.ts';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.sqlite$/;
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
  private readonly writers = new Map<string, Db>();
  private readonly readers = new Map<string, Db>();

  /** `readOnly`: connections for a reading thread (the alert counter), which never migrates or writes. */
  constructor(
    dataDir: string,
    private readonly opts: { readOnly?: boolean } = {},
  ) {
    this.dir = join(dataDir, 'events');
    if (!opts.readOnly) mkdirSync(this.dir, { recursive: true });
  }

  /** Days that have a file, newest first. */
  days(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((f) => DAY_FILE.exec(f)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort()
      .reverse();
  }

  pathOf(day: string): string {
    return join(this.dir, `${day}.sqlite`);
  }

  /** The read-write handle for a day, creating its file. */
  writer(day: string): Db {
    if (this.opts.readOnly) throw new Error('BUG: writer() on read-only partitions');
    let db = this.writers.get(day);
    if (!db) {
      db = openDb(this.pathOf(day), 'day');
      this.writers.set(day, db);
      // Only the two newest days receive writes in practice; close the rest.
      for (const [d, old] of this.writers) if (d < day && this.writers.size > 2) (old.close(), this.writers.delete(d));
    }
    return db;
  }

  /** A handle for reading a day; undefined when the day has no file. */
  reader(day: string): Db | undefined {
    const writer = this.writers.get(day);
    if (writer) return writer;
    let db = this.readers.get(day);
    if (db) {
      this.readers.delete(day); // re-insert: Map order is our LRU order
      this.readers.set(day, db);
      return db;
    }
    if (!existsSync(this.pathOf(day))) return undefined;
    db = this.opts.readOnly ? openReadOnly(this.pathOf(day)) : openDb(this.pathOf(day), 'day'); // migrates older files
    this.readers.set(day, db);
    if (this.readers.size > READERS_MAX) {
      const [oldest, handle] = this.readers.entries().next().value as [string, Db];
      handle.close();
      this.readers.delete(oldest);
    }
    return db;
  }

  bytesOnDisk(): number {
    let total = 0;
    for (const f of readdirSync(this.dir)) total += statSync(join(this.dir, f)).size;
    return total;
  }

  /** Removes a whole day: its file and WAL. */
  drop(day: string): void {
    for (const map of [this.writers, this.readers]) {
      map.get(day)?.close();
      map.delete(day);
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(this.pathOf(day) + suffix, { force: true });
  }

  close(): void {
    for (const db of [...this.writers.values(), ...this.readers.values()]) db.close();
    this.writers.clear();
    this.readers.clear();
  }
}

