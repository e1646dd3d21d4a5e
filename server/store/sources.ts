// Where the rows of a query part come from, as SQL: `events e` rows or sealed blocks
// (store/blocks.ts), each walked by id or driven by the full-text index. Every form names the
// row `e` with the columns of `events`, so a compiled filter applies to all four as it is. Every
// form names its id bounds @lo and @hi (bound by name: some forms use them twice) and takes its
// other values in order: (match,) then the filter's.
import { BLOCK_ROWS } from './block-codec.ts';
import { hasBlocks } from './blocks.ts';
import type { Db } from './db.ts';
import { ftsJoin, ftsRowidRange } from './positions.ts';
import type { Filter } from './search.ts';

export interface PartSql {
  /** The FROM clause. */
  from: string;
  /** The id range (and the MATCH when the index drives), for the WHERE clause. */
  range: string;
  /** The ORDER BY terms that walk the part by id. */
  order: (direction: 'ASC' | 'DESC') => string;
}

// A full-text hit's block is found from its position; dw_block_row yields the one row.
const SEALED_FTS_JOIN = `events_fts f CROSS JOIN main.blocks b ON b.block = (f.rowid - 1) / ${BLOCK_ROWS} CROSS JOIN dw_block_row(b.block, b.rev, f.rowid) e`;

/**
 * The SQL of one part: `sealed` for ids in blocks (store/unindexed.ts splits the range), `hi`
 * exclusive ('below') or inclusive ('through').
 */
export function partSql(db: Db, filter: Filter, sealed: boolean, hi: 'below' | 'through'): PartSql {
  const upTo = hi === 'below' ? '<' : '<=';
  if (filter.fts !== undefined) {
    return { from: sealed ? SEALED_FTS_JOIN : ftsJoin(db), range: `events_fts MATCH ? AND ${ftsRowidRange(db, hi)}`, order: (d) => `f.rowid ${d}` };
  }
  if (!sealed) {
    // Day files that seal their events have no (system_id, id) index (day/0010): few rows are left.
    const index = filter.bySystem && !hasBlocks(db) ? ' INDEXED BY events_system_id' : '';
    return { from: `events e${index}`, range: `e.id > @lo AND e.id ${upTo} @hi`, order: (d) => `e.id ${d}` };
  }
  // The blocks that overlap the range, walked by block number (rowid order, so that a page stops
  // early, each block's rows sorted on their own): the bounds are found through the first_id and
  // last_id indexes.
  // Only blocks that hold one of the systems, when a few quiet ones drive the query: their ids
  // come from the systems table, not from the user, and the unary + keeps the walk in block order.
  // Their rows alone come out of each block (dw_block_rows_of).
  const ids = filter.bySystem?.map((id) => Math.trunc(Number(id))).join(',');
  const systems = ids === undefined ? '' : ` AND +b.block IN (SELECT block FROM main.block_systems WHERE system_id IN (${ids}))`;
  return {
    from: `main.blocks b CROSS JOIN ${ids === undefined ? 'dw_block_rows(b.block, b.rev)' : `dw_block_rows_of(b.block, b.rev, '${ids}')`} e`,
    range: `b.block >= (SELECT block FROM main.blocks WHERE last_id > @lo ORDER BY last_id LIMIT 1)
      AND b.block <= (SELECT block FROM main.blocks WHERE first_id ${upTo} @hi ORDER BY first_id DESC LIMIT 1)${systems}
      AND e.id > @lo AND e.id ${upTo} @hi`,
    order: (d) => `b.block ${d}, e.id ${d}`,
  };
}
