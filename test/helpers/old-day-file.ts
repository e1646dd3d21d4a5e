// Day files as older versions of Driftwood left them, built from their own migrations, for tests
// that upgrade a data directory. Version 4 (before day/0005): the full-text index inside the day
// file. Version 7 (before day/0008 and day/0009): the index in its own file. Both index events under their ids.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { openDb } from '../../server/store/db.ts';

export interface OldRow {
  id: number;
  systemId: number;
  message: string;
  program?: string;
}

const MIGRATIONS = new URL('../../server/store/migrations/day/', import.meta.url);

/** Writes a day file at `version` holding `rows`, all indexed (in the file, or in `indexPath` from version 5 on). */
export function oldDayFile(version: 4 | 7, path: string, indexPath: string, rows: readonly OldRow[]): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  for (const f of readdirSync(MIGRATIONS).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort()) {
    if (Number(f.slice(0, 4)) > version) break;
    db.exec(readFileSync(new URL(f, MIGRATIONS), 'utf8'));
    if (f.startsWith('0005')) db.exec('DROP TABLE events_fts; DROP TABLE fts_progress'); // its step for a new, empty file
  }
  db.pragma(`user_version = ${version}`);
  const index = version >= 5 ? openDb(indexPath, 'fts') : db;
  for (const r of rows) {
    const program = r.program ?? 'app/web.1';
    db.prepare("INSERT INTO events (id, system_id, source_ip, program, pri, message, flags) VALUES (?, ?, '10.0.0.7', ?, 190, ?, 0)").run(r.id, r.systemId, program, r.message);
    index.prepare('INSERT INTO events_fts (rowid, program, message) VALUES (?, ?, ?)').run(r.id, program, r.message);
    index.prepare('UPDATE fts_progress SET indexed_through = ?').run(r.id);
    db.prepare('INSERT INTO minute_counts (minute, system_id, count) VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET count = count + 1').run(Math.floor(r.id / 1024 / 60_000), r.systemId);
  }
  if (index !== db) index.close();
  db.close();
}
