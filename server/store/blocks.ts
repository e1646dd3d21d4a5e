// Sealed events (migrations/day/0010): once indexed, a day's events move from `events` rows into
// `blocks`, BLOCK_ROWS events of consecutive positions compressed together (store/block-codec.ts,
// store/sealer.ts). Queries read them through two table-valued functions registered on every
// connection: dw_block_rows(data), a block's rows, and dw_block_row(data, pos), the one at a
// position (what a full-text hit names). Both yield the columns of `events`, so a compiled
// filter (`e.message`, `e.system_id` …) applies to sealed rows as it is. Decoded blocks are kept
// in a small cache: a page of hits mostly lands in few blocks, and the next page in the same ones.
import { BLOCK_ROWS, decodeBlock, encodeBlock, STORED_COLUMNS, type StoredRow } from './block-codec.ts';
import type { EventRow } from './codec.ts';
import type { Db, Statement } from './db.ts';

const CACHE_MAX = 64; // decoded blocks (~100 KB each) per thread
const cache = new Map<string, { data: Buffer; rows: StoredRow[] }>();

/** A block's rows, decoded once while they are asked for again. Callers must not change them. */
export function blockRows(data: Buffer): StoredRow[] {
  // Looked up by length and two words of the compressed bytes, and kept only if all bytes match:
  // a redacted block (same number, new bytes) is decoded anew.
  const key = `${data.length}:${data.readUInt32LE(data.length - 4)}:${data.readUInt32LE(data.length >> 1)}`;
  const hit = cache.get(key);
  if (hit && hit.data.equals(data)) {
    cache.delete(key); // re-inserted: Map order is the LRU order
    cache.set(key, hit);
    return hit.rows;
  }
  const rows = decodeBlock(data);
  cache.set(key, { data, rows });
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return rows;
}

// SQLite receives JavaScript numbers as REAL: integers go as BigInt, so that `e.id / ?` divides
// integers and comparisons see the same types as on `events` rows.
const big = (n: number | null) => (n === null ? null : BigInt(n));
const toSql = (r: StoredRow) => [big(r[0]), big(r[1]), big(r[2]), r[3], r[4], r[5], big(r[6]), r[7], r[8], big(r[9]), r[10], big(r[11])];

/** The position of the last row of the block with an id at or below `id` (the one before the block when none). */
function positionThrough(data: Buffer, id: number): number {
  const rows = blockRows(data);
  let lo = 0;
  let hi = rows.length; // binary search: the first row above id
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]![0] <= id) lo = mid + 1;
    else hi = mid;
  }
  return rows[0]![11] + lo - 1;
}

export function registerBlockFunctions(db: Db): void {
  const columns = [...STORED_COLUMNS];
  db.table('dw_block_rows', {
    columns,
    parameters: ['data'],
    directOnly: true,
    *rows(data: unknown) {
      for (const r of blockRows(data as Buffer)) yield toSql(r);
    },
  });
  db.table('dw_block_row', {
    columns,
    parameters: ['data', 'at'],
    directOnly: true,
    *rows(data: unknown, at: unknown) {
      const rows = blockRows(data as Buffer);
      const r = rows[Number(at) - rows[0]![11]];
      if (r) yield toSql(r);
    },
  });
  db.function('dw_block_pos', { deterministic: true, directOnly: true }, (data: unknown, id: unknown) => positionThrough(data as Buffer, Number(id)));
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
      after: db.prepare('SELECT data FROM main.blocks WHERE last_id > ? ORDER BY block LIMIT ?').pluck(),
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
export function sealedRow(db: Db, id: number): StoredRow | undefined {
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
  db.prepare('UPDATE main.blocks SET data = ? WHERE block = ?').run(encodeBlock(changed), block.block);
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

const liveStatements = new WeakMap<Db, Statement>();

/**
 * About `limit` events with ids above `afterId`, oldest first, sealed or rows (whole blocks: a
 * few more than asked may come); none when there are no more. Positions are null before day/0009.
 */
export function storedRowsAfter(db: Db, afterId: number, limit: number): StoredRow[] {
  const out: StoredRow[] = [];
  if (hasBlocks(db)) {
    for (const data of prepared(db).after.all(afterId, Math.ceil(limit / BLOCK_ROWS)) as Buffer[]) for (const r of blockRows(data)) if (r[0] > afterId) out.push(r);
    if (out.length >= limit) return out;
  }
  let live = liveStatements.get(db);
  if (!live) {
    const pos = db.prepare("SELECT 1 FROM pragma_table_info('events') WHERE name = 'pos'").get() ? 'pos' : 'NULL';
    live = db.prepare(`SELECT id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, salt, ${pos} FROM main.events WHERE id > ? ORDER BY id LIMIT ?`).raw();
    liveStatements.set(db, live);
  }
  return out.concat(live.all(out.at(-1)?.[0] ?? afterId, limit - out.length) as StoredRow[]);
}

/** The block that holds a position. */
export const blockOf = (pos: number): number => Math.floor((pos - 1) / BLOCK_ROWS);
