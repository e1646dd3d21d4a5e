// Sealed events (migrations/day/0010): once indexed, a day's events move from `events` rows into
// `blocks`, BLOCK_ROWS events of consecutive positions compressed together (store/block-codec.ts,
// store/sealer.ts). Queries read them through two table-valued functions registered on every
// connection: dw_block_rows(block, rev), a block's rows, and dw_block_row(block, rev, pos), the one
// at a position (what a full-text hit names). Both yield the columns of `events`, so a compiled
// filter (`e.message`, `e.system_id` …) applies to sealed rows as it is.
//
// They take the block's number and revision, not its bytes: a page of hits mostly lands in few
// blocks, and the next page in the same ones, so decoded blocks are kept (per thread, keyed by
// file, block and revision; a redaction writes a block anew with the next revision) and a hit in
// a kept block costs a look-up, not a read of its ~16 KB. A block not kept is read through a
// read-only connection of this module's own, since a function cannot use the connection running
// its statement; blocks are never deleted, and that connection's snapshot is never older than
// the statement's. Verify, archive and redaction read the bytes themselves (sealedBlocksAfter, blockRows): what
// they check is what is on disk.
import { BLOCK_ROWS, encodeBlock, openBlock, STORED_COLUMNS, type SealedBlock, type StoredRow } from './block-codec.ts';
import type { EventRow } from './codec.ts';
import { openReadOnly, type Db, type Statement } from './db.ts';
import { ftsRowids } from './positions.ts';

const CACHE_MAX = 64; // decoded blocks (~100 KB each) per thread
const SIDE_MAX = 4; // read-only connections kept for the table-valued functions, per thread

/** An opened block, the rows made of it so far as SQLite takes them, and (opened from bytes given) those bytes and all its rows. */
interface Decoded {
  block: SealedBlock;
  sql: unknown[][];
  data?: Buffer;
  rows?: StoredRow[];
}

const cache = new Map<string, Decoded>();

function remember(key: string, decoded: Decoded): Decoded {
  cache.set(key, decoded);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return decoded;
}

const opened = (block: SealedBlock): Decoded => ({ block, sql: new Array<unknown[]>(block.ids.length) });

/** A block's rows decoded from its bytes (kept while asked for again, if the bytes are the same). Callers must not change them. */
export function blockRows(data: Buffer): StoredRow[] {
  const key = `bytes:${data.length}:${data.readUInt32LE(data.length - 4)}:${data.readUInt32LE(data.length >> 1)}`;
  const hit = cache.get(key);
  if (hit?.data?.equals(data)) return hit.rows!;
  const block = openBlock(data);
  return remember(key, { ...opened(block), data, rows: block.rows() }).rows!;
}

const side = new Map<string, { db: Db; read: Statement }>();

/** Block `block` of the day file at `path`, decoded: kept, or read through a side connection. */
function blockAt(path: string, block: number, rev: number): Decoded {
  const key = `${path}\0${block}\0${rev}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // re-inserted: Map order is the LRU order
    cache.set(key, hit);
    return hit;
  }
  let reader = side.get(path);
  if (!reader) {
    const db = openReadOnly(path);
    side.set(path, (reader = { db, read: db.prepare('SELECT data FROM main.blocks WHERE block = ?').pluck() }));
    if (side.size > SIDE_MAX) closeSideConnection(side.keys().next().value!);
  }
  const data = reader.read.get(block) as Buffer | undefined;
  if (!data) throw new Error(`BUG: block ${block} of ${path} is gone`);
  return remember(key, opened(openBlock(data)));
}

/** Closes this thread's side connections to the day files at these paths, or under this directory. */
export function closeSideConnection(path: string): void {
  for (const [p, reader] of side) {
    if (p !== path && !p.startsWith(`${path}/`)) continue;
    reader.db.close();
    side.delete(p);
  }
}

// SQLite receives JavaScript numbers as REAL: integers go as BigInt, so that `e.id / ?` divides
// integers and comparisons see the same types as on `events` rows.
const big = (n: number | null) => (n === null ? null : BigInt(n));
const toSql = (r: StoredRow) => [big(r[0]), big(r[1]), big(r[2]), r[3], r[4], r[5], big(r[6]), r[7], r[8], big(r[9]), r[10], big(r[11])];
// Made on first use, row by row: a full-text hit needs one row of its block (format 2 parses no other).
const sqlRow = (d: Decoded, i: number) => (d.sql[i] ??= toSql(d.block.row(i)));

const systemSets = new Map<string, Set<number>>();
/** `1,5,12` as a set of system ids (the lists are few: the systems of the queries of the moment). */
function systemSet(list: string): Set<number> {
  let set = systemSets.get(list);
  if (!set) {
    if (systemSets.size >= CACHE_MAX) systemSets.clear();
    systemSets.set(list, (set = new Set(list.split(',').map(Number))));
  }
  return set;
}

/** The position of the last event of the block with an id at or below `id` (the one before the block when none). */
function positionThrough(block: SealedBlock, id: number): number {
  const ids = block.ids;
  let lo = 0;
  let hi = ids.length; // binary search: the first event above id
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return block.firstPos + lo - 1;
}

export function registerBlockFunctions(db: Db): void {
  const columns = [...STORED_COLUMNS];
  const at = (block: unknown, rev: unknown) => blockAt(db.name, Number(block), Number(rev));
  db.table('dw_block_rows', {
    columns,
    parameters: ['block', 'rev'],
    directOnly: true,
    *rows(block: unknown, rev: unknown) {
      const decoded = at(block, rev);
      for (let i = 0; i < decoded.sql.length; i++) yield sqlRow(decoded, i);
    },
  });
  // A quiet system's events, one or two a block: the rest are not made into SQL rows at all.
  db.table('dw_block_rows_of', {
    columns,
    parameters: ['block', 'rev', 'systems'],
    directOnly: true,
    *rows(block: unknown, rev: unknown, systems: unknown) {
      const wanted = systemSet(String(systems));
      const decoded = at(block, rev);
      for (let i = 0; i < decoded.sql.length; i++) if (wanted.has(decoded.block.systemId(i))) yield sqlRow(decoded, i);
    },
  });
  db.table('dw_block_row', {
    columns,
    parameters: ['block', 'rev', 'at'],
    directOnly: true,
    *rows(block: unknown, rev: unknown, pos: unknown) {
      const decoded = at(block, rev);
      const i = Number(pos) - decoded.block.firstPos;
      if (i >= 0 && i < decoded.sql.length) yield sqlRow(decoded, i);
    },
  });
  // An integer (BigInt): given a REAL bound, FTS5 does not seek to it but reads the whole doclist.
  db.function('dw_block_pos', { deterministic: true, directOnly: true }, (block: unknown, rev: unknown, id: unknown) => BigInt(positionThrough(at(block, rev).block, Number(id))));
}

const BLOCKS_VERSION = 10; // migrations/day/0010_blocks.sql
const sealing = new WeakMap<Db, boolean>();

/** Whether this day file seals its events (day files with positions, since day/0010). */
export function hasBlocks(db: Db): boolean {
  let has = sealing.get(db);
  if (has !== undefined) return has;
  has = db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'blocks'").get() !== undefined;
  // As store/positions.ts: a read-only handle may see a file before a writer migrated it.
  if ((db.pragma('main.user_version', { simple: true }) as number) >= BLOCKS_VERSION) sealing.set(db, has);
  return has;
}

const statements = new WeakMap<Db, { sealedThrough: Statement; byId: Statement; after: Statement; firstId: Statement }>();

function prepared(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = {
      sealedThrough: db.prepare('SELECT last_id FROM main.blocks ORDER BY block DESC LIMIT 1').pluck(),
      byId: db.prepare('SELECT data FROM main.blocks WHERE last_id >= ? ORDER BY last_id LIMIT 1').pluck(),
      // By last_id, which is block order: its index seeks to the first (ORDER BY block scanned every block before it).
      after: db.prepare('SELECT data FROM main.blocks WHERE last_id > ? ORDER BY last_id LIMIT ?').pluck(),
      firstId: db.prepare('SELECT first_id FROM main.blocks ORDER BY block LIMIT 1').pluck(),
    };
    statements.set(db, s);
  }
  return s;
}

/** The newest sealed event's id; 0 when nothing is sealed. Rows up to it are in blocks, the rest in `events`. */
export function sealedThrough(db: Db): number {
  return hasBlocks(db) ? ((prepared(db).sealedThrough.get() as number | undefined) ?? 0) : 0;
}

/** The oldest sealed event's id, if any. */
export function firstSealedId(db: Db): number | undefined {
  return hasBlocks(db) ? (prepared(db).firstId.get() as number | undefined) : undefined;
}

/** A sealed event, or undefined when no block holds this id. */
function sealedRow(db: Db, id: number): StoredRow | undefined {
  if (!hasBlocks(db)) return undefined;
  const data = prepared(db).byId.get(id) as Buffer | undefined;
  return data && blockRows(data).find((r) => r[0] === id);
}

/** Writes the block holding a sealed event again with that event changed (a redaction: day/0010's trigger checks). */
export function rewriteSealed(db: Db, id: number, change: (row: StoredRow) => StoredRow): void {
  const block = db.prepare('SELECT block, data FROM main.blocks WHERE last_id >= ? ORDER BY last_id LIMIT 1').get(id) as { block: number; data: Buffer } | undefined;
  const rows = block && blockRows(block.data);
  const i = rows ? rows.findIndex((r) => r[0] === id) : -1;
  if (!block || !rows || i < 0) throw new Error(`BUG: event ${id} is in no block`);
  const changed = [...rows];
  changed[i] = change(rows[i]!);
  // The next revision: decoded copies of the old one (blockAt's cache) are not used again.
  db.prepare('UPDATE main.blocks SET data = ?, rev = rev + 1 WHERE block = ?').run(encodeBlock(changed), block.block);
}

export type StoredEventRow = EventRow & { salt: Buffer | null; pos: number | null };

const rowStatements = new WeakMap<Db, Statement>();

/** An event of this day file, a row or sealed; undefined when it has none with this id. */
export function storedRow(db: Db, id: number): StoredEventRow | undefined {
  let byId = rowStatements.get(db);
  if (!byId) rowStatements.set(db, (byId = db.prepare('SELECT * FROM main.events WHERE id = ?')));
  const row = byId.get(id) as StoredEventRow | undefined;
  if (row) return { ...row, pos: row.pos ?? null };
  const r = sealedRow(db, id);
  return r && { id: r[0], system_id: r[1], generated_ms: r[2], source_ip: r[3], hostname: r[4], program: r[5], pri: r[6], message: r[7], extra: r[8], flags: r[9], salt: r[10], pos: r[11] };
}

/** Up to `blocks` sealed blocks holding ids above `afterId`, oldest first, opened (read from disk, not kept). */
export function sealedBlocksAfter(db: Db, afterId: number, blocks: number): SealedBlock[] {
  return hasBlocks(db) ? (prepared(db).after.all(afterId, blocks) as Buffer[]).map(openBlock) : [];
}

const liveStatements = new WeakMap<Db, Statement>();

/**
 * About `limit` events with ids above `afterId`, oldest first, sealed or rows (whole blocks: a
 * few more than asked may come); none when there are no more. Positions are null before day/0009.
 */
export function storedRowsAfter(db: Db, afterId: number, limit: number): StoredRow[] {
  const out: StoredRow[] = [];
  if (hasBlocks(db)) {
    const wanted = Math.ceil(limit / BLOCK_ROWS);
    const blocks = prepared(db).after.all(afterId, wanted) as Buffer[];
    for (const data of blocks) for (const r of blockRows(data)) if (r[0] > afterId) out.push(r);
    // Rows come after the last block only: while blocks remain, the next call reads them.
    if (blocks.length === wanted) return out;
  }
  let live = liveStatements.get(db);
  if (!live) {
    const pos = ftsRowids(db) === 'position' ? 'pos' : 'NULL';
    live = db.prepare(`SELECT id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, salt, ${pos} FROM main.events WHERE id > ? ORDER BY id LIMIT ?`).raw();
    liveStatements.set(db, live);
  }
  return out.concat(live.all(out.at(-1)?.[0] ?? afterId, limit - out.length) as StoredRow[]);
}

