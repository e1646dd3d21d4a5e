// What a day's full-text rowids are: since day/0009 an event's position in its day (1, 2, 3 … in
// commit order, the `pos` column), before that its id. Positions cost FTS5 less than half the
// bytes (small first rowids, deltas of one byte), and both grow in commit order, so newest-first
// by rowid is newest-first by id either way. Queries keep speaking ids: this module turns an id
// range into the rowid range of the day's layout and joins a rowid back to its row.
import { hasBlocks } from './blocks.ts';
import type { Db } from './db.ts';

export type FtsRowids = 'id' | 'position';

const POSITIONS_VERSION = 9; // migrations/day/0009_fts_positions.sql
const layouts = new WeakMap<Db, FtsRowids>();

/** The layout of this day file's index. */
export function ftsRowids(db: Db): FtsRowids {
  let layout = layouts.get(db);
  if (layout) return layout;
  layout = db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'index' AND name = 'events_pos'").get() ? 'position' : 'id';
  // Decided for good once day/0009 ran; a read-only handle (the counting thread) may see an empty
  // file before a writer migrates it, so it looks again next time.
  if ((db.pragma('main.user_version', { simple: true }) as number) >= POSITIONS_VERSION) layouts.set(db, layout);
  return layout;
}

/** The column of `events` that holds the index's rowid. */
export function ftsRowidColumn(db: Db): 'id' | 'pos' {
  return ftsRowids(db) === 'position' ? 'pos' : 'id';
}

/** `events_fts f` joined to the rows it names as `events e` (FTS5 drives: candidates in rowid order). */
export function ftsJoin(db: Db): string {
  // CROSS JOIN keeps FTS5 the outer loop: each candidate is one seek in the position index.
  return ftsRowids(db) === 'position' ? 'events_fts f CROSS JOIN events e ON e.pos = f.rowid' : 'events_fts f JOIN events e ON e.id = f.rowid';
}

// The position of the newest row with an id at or below the bound (0 when none): a seek on the
// primary key, run once per statement (an uncorrelated subquery), which FTS5 then seeks to. When
// no row is that old, the events are sealed (store/blocks.ts): the block that holds the bound
// (a seek on first_id) tells the position within it.
function positionThrough(db: Db, id: string): string {
  const rows = `(SELECT pos FROM main.events WHERE id <= ${id} ORDER BY id DESC LIMIT 1)`;
  if (!hasBlocks(db)) return `coalesce(${rows}, 0)`;
  return `coalesce(${rows}, (SELECT dw_block_pos(block, rev, ${id}) FROM main.blocks WHERE first_id <= ${id} ORDER BY first_id DESC LIMIT 1), 0)`;
}

/**
 * The condition that `rowid` lies in the id range of the named parameters @lo and @hi:
 * `lo < id < hi` (`hi: 'below'`) or `lo < id <= hi` (`'through'`).
 */
export function ftsRowidRange(db: Db, hi: 'below' | 'through', rowid = 'f.rowid'): string {
  if (ftsRowids(db) === 'id') return `${rowid} > @lo AND ${rowid} ${hi === 'below' ? '<' : '<='} @hi`;
  return `${rowid} > ${positionThrough(db, '@lo')} AND ${rowid} <= ${positionThrough(db, hi === 'below' ? '@hi - 1' : '@hi')}`;
}
