// Adding committed events to their day's full-text index. Ingest commits (and acknowledges) rows
// without their FTS5 postings; this adds them afterwards, thousands per transaction, in SQL from
// the stored rows (no second pass of every message through the driver), and moves the index's
// `indexed_through` mark in the same transaction. Queries read the rows above the mark directly
// (store/unindexed.ts), so nothing acknowledged is ever missing from a search.
import type { Db, Statement } from './db.ts';
import { hasInlineIndex, type Partitions } from './partitions.ts';
import { ftsRowidColumn } from './positions.ts';

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
      };
      this.statements.set(db, s);
    }
    return s;
  }

  /**
   * Indexes every committed row of these days that is above its day's mark; returns how many.
   * A deferred transaction whose first statement writes the index: it takes the index file's write
   * lock only, and only reads the day file, whose writer goes on committing meanwhile.
   */
  indexNew(days: Iterable<string>): number {
    let total = 0;
    for (const day of new Set(days)) {
      for (;;) {
        const { rows, more } = this.indexStep(day);
        total += rows;
        if (!more) break;
      }
    }
    return total;
  }

  /** One transaction of indexNew: at most ROWS_PER_TRANSACTION rows of one day, and whether more wait. */
  indexStep(day: string): { rows: number; more: boolean } {
    const db = this.partitions.indexer(day);
    if (!db) return { rows: 0, more: false }; // dropped by retention meanwhile
    const s = this.prepared(db);
    if (!s.behind.get()) return { rows: 0, more: false }; // the start's sweep of older days, mostly
    const rows = db.transaction(() => {
      const n = s.insert.run(ROWS_PER_TRANSACTION).changes;
      s.mark.run(ROWS_PER_TRANSACTION);
      return n;
    })();
    this.giveBackFreePages(db, s);
    return { rows, more: rows === ROWS_PER_TRANSACTION };
  }

  private giveBackFreePages(db: Db, s: IndexStatements): void {
    if (!s.ownFile) return;
    const free = db.pragma('fts.freelist_count', { simple: true }) as number;
    if (free >= FREE_PAGES_MIN && free > (db.pragma('fts.page_count', { simple: true }) as number) * FREE_SHARE_MAX) db.pragma(`fts.incremental_vacuum(${free})`);
  }
}
