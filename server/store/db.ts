// Opening SQLite files: pragmas and numbered migrations. The only place that imports better-sqlite3
// besides the rest of server/store/.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerBlockFunctions } from './blocks.ts';
import { registerFunctions } from './functions.ts';

export type Db = Database.Database;
export type Statement = Database.Statement<unknown[], unknown>;
export type Schema = 'meta' | 'day' | 'fts' | 'integrity';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const BUSY_TIMEOUT_MS = 5000; // CLI commands and the server share the files; wait for the other writer

function migrations(schema: Schema): { version: number; sql: string }[] {
  const dir = `${MIGRATIONS_DIR}${schema}/`;
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), sql: readFileSync(dir + f, 'utf8') }));
}

/**
 * Steps that SQL cannot take (it has no conditional DDL), run after their version's SQL in the same
 * transaction. day/0005: an empty day file keeps its index in its own file (store/partitions.ts);
 * one that holds events already keeps its inline index, which stays valid.
 */
const CODE_STEPS: Partial<Record<Schema, Record<number, (db: Db) => void>>> = {
  day: {
    5: (db) => {
      if (isEmptyDay(db)) db.exec('DROP TABLE events_fts; DROP TABLE fts_progress');
    },
  },
};

/**
 * Versions whose SQL applies to some files only; the others just record the version. day/0009:
 * only an empty day file numbers its events for the index (a file with events keeps id rowids).
 * day/0010: only a file with positions seals its events into blocks (store/blocks.ts). day/0011:
 * only a file without batch salt keys yet (its SQL cannot run twice over a file whose version was
 * set back, as 0010's can).
 */
const ONLY_IF: Partial<Record<Schema, Record<number, (db: Db) => boolean>>> = {
  day: { 9: isEmptyDay, 10: hasPositions, 11: (db) => !hasColumn(db, 'chain', 'salt_key') },
};

function hasColumn(db: Db, table: string, column: string): boolean {
  return (db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).get(column) as unknown) !== undefined;
}

function hasPositions(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_pos'").get() !== undefined;
}

function isEmptyDay(db: Db): boolean {
  return !db.prepare('SELECT 1 FROM events LIMIT 1').get();
}

/** Opens (creating if needed, unless `mustExist`) a database and brings its schema up to date, one transaction per step. */
export function openDb(path: string, schema: Schema, opts: { mustExist?: boolean } = {}): Db {
  const db = new Database(path, { fileMustExist: opts.mustExist ?? false });
  // Index files: FTS5 merges free many pages that only later merges reuse, and no other table in
  // the file takes them; with incremental auto-vacuum the indexer gives them back (store/indexer.ts).
  // Takes effect only on a new, empty file, before it is in WAL mode, so it is set only there:
  // setting it is a write transaction, which on a file in use would wait behind the indexer's
  // (up to the busy timeout, the opening thread blocked) just to open the day for reading.
  if (schema === 'fts' && db.pragma('page_count', { simple: true }) === 0) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  // FULL fsyncs the WAL at every commit, so an acknowledged batch also survives power loss;
  // group commit (ingest/pipeline.ts) keeps commits few.
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  registerFunctions(db);
  registerBlockFunctions(db);
  const pending = migrations(schema).filter((m) => m.version > (db.pragma('user_version', { simple: true }) as number));
  for (const m of pending) {
    // Checked again inside the write lock: another thread or process may be opening the same file.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      if (ONLY_IF[schema]?.[m.version]?.(db) ?? true) db.exec(m.sql);
      CODE_STEPS[schema]?.[m.version]?.(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db;
}

/**
 * Prepared statements per connection and SQL text: preparing a query cost as much as running a
 * rare-word search. Keeps at most `max` per connection (one per distinct query shape).
 */
export class StatementCache {
  private readonly byDb = new WeakMap<Db, Map<string, Statement>>();

  constructor(private readonly max: number) {}

  get(db: Db, sql: string): Statement {
    let bySql = this.byDb.get(db);
    if (!bySql) this.byDb.set(db, (bySql = new Map()));
    let s = bySql.get(sql);
    if (!s) {
      if (bySql.size >= this.max) bySql.clear();
      bySql.set(sql, (s = db.prepare(sql)));
    }
    return s;
  }
}

/**
 * Runs `read` on one snapshot of the connection's files (a deferred transaction; nested calls
 * share the outer one). A query that reads a day file in several statements needs it: sealing
 * (store/sealer.ts) moves events from rows into blocks between two statements otherwise, and a
 * part read before and a part read after would both miss them.
 */
export function inSnapshot<T>(db: Db, read: () => T): T {
  return db.inTransaction ? read() : db.transaction(read)();
}

/**
 * Runs `write` in an IMMEDIATE transaction if no other connection holds the file's write lock
 * now; returns undefined, having run nothing, if one does. For background work that can come back
 * later: SQLite's busy handler sleeps 1, 2, 5, 10 ms… between tries, and the writer thread holds
 * the lock about half the time under full ingest, so waiting cost the index thread ~4 ms a try.
 */
export function writeIfFree<T>(db: Db, write: () => T): T | undefined {
  db.pragma('busy_timeout = 0');
  try {
    return db.transaction(write).immediate();
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw e;
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

export function openReadOnly(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  registerFunctions(db);
  registerBlockFunctions(db);
  return db;
}
