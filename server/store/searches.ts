// Saved searches (DESIGN 6): a name, a query and an optional group. The query is validated by the
// caller (shared/query/parse) before it gets here; the store keeps it as typed.
import type { Db } from './db.ts';

export interface SavedSearchRow {
  id: number;
  name: string;
  query: string;
  group_id: number | null;
  /** Set on the searches the starter pack made (alerts/starter.ts), so that it finds them again. */
  starter_key: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface SavedSearchInput {
  name: string;
  query: string;
  group_id: number | null;
}

interface SearchDbRow {
  id: number;
  name: string;
  query: string;
  group_id: number | null;
  starter_key: string | null;
  created_by: number | null;
  created_ms: number;
  updated_ms: number;
}

const toRow = (r: SearchDbRow): SavedSearchRow => ({
  id: r.id,
  name: r.name,
  query: r.query,
  group_id: r.group_id,
  starter_key: r.starter_key,
  created_by: r.created_by,
  created_at: new Date(r.created_ms).toISOString(),
  updated_at: new Date(r.updated_ms).toISOString(),
});

export class Searches {
  constructor(private readonly db: Db) {}

  list(): SavedSearchRow[] {
    return (this.db.prepare('SELECT * FROM saved_searches ORDER BY name COLLATE NOCASE, id').all() as SearchDbRow[]).map(toRow);
  }

  find(id: number): SavedSearchRow | undefined {
    const row = this.db.prepare('SELECT * FROM saved_searches WHERE id = ?').get(id) as SearchDbRow | undefined;
    return row ? toRow(row) : undefined;
  }

  findByStarterKey(key: string): SavedSearchRow | undefined {
    const row = this.db.prepare('SELECT * FROM saved_searches WHERE starter_key = ?').get(key) as SearchDbRow | undefined;
    return row ? toRow(row) : undefined;
  }

  create(input: SavedSearchInput & { starter_key?: string; created_by?: number }, nowMs: number): SavedSearchRow {
    const info = this.db
      .prepare('INSERT INTO saved_searches (name, query, group_id, starter_key, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(input.name, input.query, input.group_id, input.starter_key ?? null, input.created_by ?? null, nowMs, nowMs);
    return this.find(Number(info.lastInsertRowid))!;
  }

  /** Undefined when there is no such search. */
  update(id: number, change: Partial<SavedSearchInput>, nowMs: number): SavedSearchRow | undefined {
    const current = this.find(id);
    if (!current) return undefined;
    const next = { ...current, ...change };
    this.db.prepare('UPDATE saved_searches SET name = ?, query = ?, group_id = ?, updated_ms = ? WHERE id = ?').run(next.name, next.query, next.group_id, nowMs, id);
    return this.find(id);
  }

  /** Deletes the search and its alerts (ON DELETE CASCADE). */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM saved_searches WHERE id = ?').run(id).changes > 0;
  }
}
