// Rows are committed before they join a day file's full-text index (store/events.ts indexNew), so
// a query that the index drives reads the ids above the file's `indexed_through` mark with the
// filter's index-free form. That part is a quarter second of ingest at most: a few thousand rows.
import type { Db, Statement } from './db.ts';
import type { Filter } from './search.ts';

const markStatements = new WeakMap<Db, Statement>();

/** Every row of this day file with an id up to this one is in its full-text index. */
export function indexedThrough(db: Db): number {
  let s = markStatements.get(db);
  if (!s) markStatements.set(db, (s = db.prepare('SELECT indexed_through AS id FROM fts_progress')));
  return (s.get() as { id: number }).id;
}

export interface IdRangePart {
  filter: Filter;
  /** Exclusive bounds. */
  lo: number;
  hi: number;
}

/** The id range (lo, hi) of one day file as the parts to query, oldest first. */
export function splitByIndex(db: Db, filter: Filter, lo: number, hi: number): IdRangePart[] {
  if (filter.fts === undefined) return [{ filter, lo, hi }];
  const mark = indexedThrough(db);
  if (mark >= hi - 1) return [{ filter, lo, hi }];
  if (!filter.unindexed) throw new Error('BUG: an index-driven filter without its index-free form');
  const tail = { filter: filter.unindexed, lo: Math.max(lo, mark), hi };
  return mark <= lo ? [tail] : [{ filter, lo, hi: mark + 1 }, tail];
}
