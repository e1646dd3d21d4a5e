// Drain tokens: an unguessable token per drain that admits ingest to that drain only.
import { randomUUID } from 'node:crypto';
import type { Db, Statement } from './db.ts';
import type { DrainRow } from './types.ts';

interface DrainDbRow {
  id: number;
  name: string;
  token: string;
  created_ms: number;
}

const toDrain = (r: DrainDbRow): DrainRow => ({ id: r.id, name: r.name, token: r.token, created_at: new Date(r.created_ms).toISOString() });

// No cache of drains: one removed by the CLI (another process) must stop admitting at once, and
// an indexed lookup costs microseconds against a request that carries a whole batch. The lookup's
// statement is prepared once: preparing it on every drain request cost 2 % of the main thread.
export class Drains {
  private readonly byToken: Statement;

  constructor(private readonly db: Db) {
    this.byToken = db.prepare('SELECT * FROM drains WHERE token = ?');
  }

  /** Heroku's own drain tokens look like `d.<uuid>`; ours too, so syslog HOSTNAMEs can carry them. */
  create(name: string, nowMs: number): DrainRow {
    const token = `d.${randomUUID()}`;
    const info = this.db.prepare('INSERT INTO drains (name, token, created_ms) VALUES (?, ?, ?)').run(name, token, nowMs);
    return { id: Number(info.lastInsertRowid), name, token, created_at: new Date(nowMs).toISOString() };
  }

  list(): DrainRow[] {
    return (this.db.prepare('SELECT * FROM drains ORDER BY name').all() as DrainDbRow[]).map(toDrain);
  }

  find(idOrName: string): DrainRow | undefined {
    const row = /^\d+$/.test(idOrName)
      ? this.db.prepare('SELECT * FROM drains WHERE id = ?').get(Number(idOrName))
      : this.db.prepare('SELECT * FROM drains WHERE name = ?').get(idOrName);
    return row ? toDrain(row as DrainDbRow) : undefined;
  }

  byTokenValue(token: string): DrainRow | undefined {
    const row = this.byToken.get(token) as DrainDbRow | undefined;
    return row ? toDrain(row) : undefined;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM drains WHERE id = ?').run(id).changes > 0;
  }
}
