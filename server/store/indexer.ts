// Adding committed events to their day's full-text index. Ingest commits (and acknowledges) rows
// without their FTS5 postings; this adds them afterwards, thousands per transaction, in SQL from
// the stored rows (no second pass of every message through the driver), and moves the index's
// `indexed_through` mark in the same transaction. Queries read the rows above the mark directly
// (store/unindexed.ts), so nothing acknowledged is ever missing from a search.
import type { Db, Statement } from './db.ts';
import { hasInlineIndex, type Partitions } from './partitions.ts';
import { ftsRowidColumn } from './positions.ts';
import { sealDay, sealDeferred } from './sealer.ts';
import { BLOCK_ROWS } from './block-codec.ts';
import { hasBlocks } from './blocks.ts';

// Rows per indexing transaction: a day rebuilt from scratch (a deleted index file) is indexed in
// steps, each committed, so that the mark moves and a crash loses at most one step.
const ROWS_PER_TRANSACTION = 50_000;

// An index file gives its free pages back to the file system once they are this share of it (and
// at least FREE_PAGES_MIN): without that, the pages the last merges freed stayed allocated, as
// much as 40 % of a young index file.
const FREE_SHARE_MAX = 0.2;
const FREE_PAGES_MIN = 256;

interface IndexStatements {
  /** Whether any row is above the mark: a look that writes nothing, for days that are complete. */
  behind: Statement;
  insert: Statement;
  mark: Statement;
  /** The same for events sealed into blocks before the index had them (an index file rebuilt): undefined without blocks. */
  sealed?: { behind: Statement; insert: Statement; mark: Statement };
  /** False for an index inside its day file (no auto-vacuum there). */
  ownFile: boolean;
}

export class FtsIndexer {
  private readonly statements = new WeakMap<Db, IndexStatements>();

  constructor(private readonly partitions: Partitions) {}

  private prepared(db: Db): IndexStatements {
    let s = this.statements.get(db);
    if (!s) {
      s = {
        behind: db.prepare('SELECT EXISTS (SELECT 1 FROM events WHERE id > (SELECT indexed_through FROM fts_progress)) AS behind').pluck(),
        // Whatever is above the mark, whoever committed it: the server, the CLI, rows left by a crash.
        // Under the row's position in its day since day/0009 (store/positions.ts), else its id; the
        // message as shown, without escape sequences (dw_plain), so `ESC[36mInvoice` holds `invoice`.
        insert: db.prepare(
          `INSERT INTO events_fts (rowid, program, message) SELECT ${ftsRowidColumn(db)}, program, dw_plain(message) FROM events WHERE id > (SELECT indexed_through FROM fts_progress) ORDER BY id LIMIT ?`,
        ),
        // The same rows: the transaction reads one snapshot of the day file throughout.
        mark: db.prepare(
          'UPDATE fts_progress SET indexed_through = coalesce((SELECT max(id) FROM (SELECT id FROM events WHERE id > indexed_through ORDER BY id LIMIT ?)), indexed_through)',
        ),
        ownFile: !hasInlineIndex(db),
        sealed: hasBlocks(db) ? sealedStatements(db) : undefined,
      };
      this.statements.set(db, s);
    }
    return s;
  }

  /**
   * Indexes every committed row of these days that is above its day's mark, then seals up to
   * `sealBlocks` blocks of each (store/sealer.ts); returns how many rows it indexed. The indexing
   * transactions are deferred and write the index first: they take the index file's write lock
   * only, and only read the day file, whose writer goes on committing meanwhile.
   */
  indexNew(days: Iterable<string>, sealBlocks = Infinity): number {
    let total = 0;
    for (const day of new Set(days)) {
      for (;;) {
        const { rows, more } = this.indexStep(day);
        total += rows;
        if (!more) break;
      }
      if (sealBlocks > 0) this.sealStep(day, sealBlocks);
    }
    return total;
  }

  /**
   * Seals up to `blocks` blocks of a day's indexed events; returns how many it sealed. With
   * 'backlog', while few blocks wait, only if the day file's write lock is free (store/sealer.ts).
   */
  sealStep(day: string, blocks: number, waitForLock: 'always' | 'backlog' = 'always'): number {
    const db = this.partitions.indexer(day);
    return db ? sealDay(db, { maxBlocks: blocks, waitForLock }) : 0;
  }

  /** Whether the day's last sealStep stopped at the writer's lock, with blocks encoded and waiting. */
  sealDeferred(day: string): boolean {
    const db = this.partitions.indexer(day);
    return db ? sealDeferred(db) : false;
  }

  /** One transaction of indexNew: at most ROWS_PER_TRANSACTION rows of one day, and whether more wait. */
  indexStep(day: string): { rows: number; more: boolean } {
    const db = this.partitions.indexer(day);
    if (!db) return { rows: 0, more: false }; // dropped by retention meanwhile
    const prepared = this.prepared(db);
    // Sealed events first (older than every row): the mark must not pass them.
    const s = prepared.sealed?.behind.get() ? prepared.sealed : prepared;
    if (!s.behind.get()) return { rows: 0, more: false }; // the start's sweep of older days, mostly
    const limit = s === prepared ? ROWS_PER_TRANSACTION : Math.ceil(ROWS_PER_TRANSACTION / BLOCK_ROWS);
    const rows = db.transaction(() => {
      const n = s.insert.run(limit).changes;
      s.mark.run(limit);
      return n;
    })();
    this.giveBackFreePages(db, prepared);
    return { rows, more: s !== prepared || rows === ROWS_PER_TRANSACTION };
  }

  private giveBackFreePages(db: Db, s: IndexStatements): void {
    if (!s.ownFile) return;
    const free = db.pragma('fts.freelist_count', { simple: true }) as number;
    if (free >= FREE_PAGES_MIN && free > (db.pragma('fts.page_count', { simple: true }) as number) * FREE_SHARE_MAX) db.pragma(`fts.incremental_vacuum(${free})`);
  }
}

/** indexStep's statements for sealed events (LIMIT counts blocks), as those for rows. */
function sealedStatements(db: Db): { behind: Statement; insert: Statement; mark: Statement } {
  const mark = '(SELECT indexed_through FROM fts_progress)';
  return {
    behind: db.prepare(`SELECT EXISTS (SELECT 1 FROM main.blocks WHERE last_id > ${mark})`).pluck(),
    insert: db.prepare(
      `INSERT INTO events_fts (rowid, program, message) SELECT e.pos, e.program, dw_plain(e.message)
       FROM (SELECT block, rev FROM main.blocks WHERE last_id > ${mark} ORDER BY last_id LIMIT ?) b CROSS JOIN dw_block_rows(b.block, b.rev) e WHERE e.id > ${mark}`,
    ),
    mark: db.prepare('UPDATE fts_progress SET indexed_through = (SELECT max(last_id) FROM (SELECT last_id FROM main.blocks WHERE last_id > indexed_through ORDER BY last_id LIMIT ?))'),
  };
}
