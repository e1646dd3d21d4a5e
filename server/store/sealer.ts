// Sealing: a day's events, once in its full-text index, move from `events` rows into compressed
// blocks of BLOCK_ROWS consecutive positions (store/blocks.ts), a few blocks per transaction. The
// block's insert and its rows' delete commit together, so a crash leaves each event either a row
// or in its block, never both or neither; the delete trigger (day/0010) refuses to drop a row
// whose block does not exist. The freed pages are reused by the rows ingest adds next.
import { BLOCK_ROWS, encodeBlock, type SealedRow } from './block-codec.ts';
import { hasBlocks } from './blocks.ts';
import { writeIfFree, type Db, type Statement } from './db.ts';

// The newest rows stay rows: the live tail and the newest page read them as they are, and the
// writer finds the day's last id and position with a seek.
export const KEEP_LIVE_ROWS = 4096;
// Blocks sealed per transaction (encoded before it: the writer thread waits for the day file's
// lock only while rows are swapped for blocks).
const BLOCKS_PER_TRANSACTION = 4;
// Blocks ready to seal up to which a call with `waitForLock: 'backlog'` seals only while the day
// file's write lock is free, and returns when the writer holds it: the index thread goes back to
// indexing (what searches wait for) instead of sleeping in SQLite's busy handler. 64 blocks are
// 16,384 rows, a third of a second of ingest at 50,000 lines/s; past them it waits, so that
// sealing keeps up under full ingest, when the writer holds the lock half of the time.
export const SEAL_BACKLOG_BLOCKS = 64;

interface SealStatements {
  nextBlock: Statement;
  indexedPos: Statement;
  newestPos: Statement;
  rows: Statement;
  sealed: Statement;
  redactions: Statement;
  insertBlock: Statement;
  insertSystem: Statement;
  deleteRows: Statement;
}

const statements = new WeakMap<Db, SealStatements>();
// Blocks encoded for a swap that found the write lock taken (waitForLock: 'backlog'): the next
// call swaps them instead of reading and deflating their rows again.
const unswapped = new WeakMap<Db, Encoded[]>();

/** Whether the last sealDay on this handle stopped because another connection held the write lock. */
export function sealDeferred(db: Db): boolean {
  return unswapped.has(db);
}

function prepared(db: Db): SealStatements {
  let s = statements.get(db);
  if (!s) {
    s = {
      nextBlock: db.prepare('SELECT coalesce(max(block) + 1, 0) FROM main.blocks').pluck(),
      // The position of the newest indexed row: blocks hold indexed events only.
      indexedPos: db.prepare('SELECT coalesce((SELECT pos FROM main.events WHERE id <= (SELECT indexed_through FROM fts_progress) ORDER BY id DESC LIMIT 1), 0)').pluck(),
      newestPos: db.prepare('SELECT coalesce(max(pos), 0) FROM main.events').pluck(),
      // The salt as hex text, which the block stores: no Buffer a row.
      rows: db.prepare("SELECT id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, CASE WHEN salt IS NULL THEN NULL ELSE lower(hex(salt)) END, pos FROM main.events WHERE pos BETWEEN ? AND ? ORDER BY pos").raw(),
      sealed: db.prepare('SELECT 1 FROM main.blocks WHERE block = ?').pluck(),
      redactions: db.prepare('SELECT count(*) FROM main.redactions WHERE id BETWEEN ? AND ?').pluck(),
      insertBlock: db.prepare('INSERT INTO main.blocks (block, first_id, last_id, data) VALUES (?, ?, ?, ?)'),
      insertSystem: db.prepare('INSERT OR IGNORE INTO main.block_systems (system_id, block) VALUES (?, ?)'),
      deleteRows: db.prepare('DELETE FROM main.events WHERE pos BETWEEN ? AND ?'),
    };
    statements.set(db, s);
  }
  return s;
}

export interface SealOptions {
  /** Rows at the end of the day that stay rows (KEEP_LIVE_ROWS). */
  keepLive?: number;
  /** At most this many blocks in this call (the index thread interleaves them with indexing). */
  maxBlocks?: number;
  /** 'always' (the default) waits for the day file's write lock; 'backlog' only beyond SEAL_BACKLOG_BLOCKS ready blocks. */
  waitForLock?: 'always' | 'backlog';
}

interface Encoded {
  block: number;
  rows: SealedRow[];
  redactions: number;
  data: Buffer;
}

/**
 * Seals what is ready in a day file opened with its index reachable (the indexer's handle);
 * returns how many blocks it made. A day file without positions (before day/0009) keeps its rows.
 * Blocks are encoded before the write transaction, which then only checks that their rows are
 * still as read (no other sealer, such as a CLI import, sealed them; no redaction changed one)
 * and swaps them: the day file's writer waits for a few inserts and deletes, not for deflate.
 */
export function sealDay(db: Db, opts: SealOptions = {}): number {
  if (!hasBlocks(db)) return 0;
  const s = prepared(db);
  const keepLive = opts.keepLive ?? KEEP_LIVE_ROWS;
  const maxBlocks = opts.maxBlocks ?? Infinity;
  let sealed = 0;
  while (sealed < maxBlocks) {
    const through = Math.min(s.indexedPos.get() as number, (s.newestPos.get() as number) - keepLive);
    const next = s.nextBlock.get() as number;
    const wait = opts.waitForLock !== 'backlog' || through - next * BLOCK_ROWS > SEAL_BACKLOG_BLOCKS * BLOCK_ROWS;
    const carried = unswapped.get(db);
    unswapped.delete(db);
    // Still valid if nothing sealed them meanwhile; the swap checks for redactions.
    const ready: Encoded[] = carried?.[0]?.block === next ? carried.slice(0, maxBlocks - sealed) : [];
    for (let block = next + ready.length; ready.length < BLOCKS_PER_TRANSACTION && sealed + ready.length < maxBlocks; block++) {
      const first = block * BLOCK_ROWS + 1;
      if (first + BLOCK_ROWS - 1 > through) break;
      const rows = s.rows.all(first, first + BLOCK_ROWS - 1) as SealedRow[];
      // Positions are given in commit order and never removed but here: a gap is a damaged file.
      if (rows.length !== BLOCK_ROWS) throw new Error(`cannot seal positions ${first}-${first + BLOCK_ROWS - 1}: ${rows.length} of ${BLOCK_ROWS} rows are there`);
      ready.push({ block, rows, redactions: s.redactions.get(rows[0]![0], rows[BLOCK_ROWS - 1]![0]) as number, data: encodeBlock(rows) });
    }
    if (ready.length === 0) break;
    const swap = () => {
      let n = 0;
      for (const { block, rows, redactions, data } of ready) {
        const [firstId, lastId] = [rows[0]![0], rows[BLOCK_ROWS - 1]![0]];
        if (s.sealed.get(block) || s.redactions.get(firstId, lastId) !== redactions) break; // changed meanwhile: read again next time
        s.insertBlock.run(block, firstId, lastId, data);
        for (const system of new Set(rows.map((r) => r[1]))) s.insertSystem.run(system, block);
        // Every row read is still there: rows are removed only here, and positions never reused.
        if (s.deleteRows.run(rows[0]![11], rows[BLOCK_ROWS - 1]![11]).changes !== BLOCK_ROWS) throw new Error(`BUG: block ${block} lost rows while sealing`);
        n++;
      }
      return n;
    };
    const made = wait ? db.transaction(swap).immediate() : writeIfFree(db, swap);
    if (made === undefined) {
      unswapped.set(db, ready); // the writer holds the lock: next round
      break;
    }
    sealed += made;
    if (made < BLOCKS_PER_TRANSACTION) break;
  }
  return sealed;
}
