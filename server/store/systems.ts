// Systems (senders): registered on first sight, named by drain name, HOSTNAME or source IP.
import type { Db, Statement } from './db.ts';
import type { SystemRow } from './types.ts';
import { UntilChanged } from './until-changed.ts';

interface SystemDbRow {
  id: number;
  name: string;
  ip: string | null;
  first_seen_ms: number;
  last_seen_ms: number;
}

const toSystem = (r: SystemDbRow): SystemRow => ({
  id: r.id,
  name: r.name,
  ip: r.ip,
  first_seen_at: new Date(r.first_seen_ms).toISOString(),
  last_seen_at: new Date(r.last_seen_ms).toISOString(),
});

// Last-seen times are for people reading the systems list: a second late is fine, while a commit
// to the meta database after every ingest batch cost the writer a tenth of its time.
const LAST_SEEN_FLUSH_MS = 1000;

export class Systems {
  private readonly idByName = new Map<string, number>(); // lower-cased name -> id
  private readonly nameById = new Map<number, string>();
  private readonly lastSeen = new Map<number, { ms: number; ip: string }>(); // not yet written
  private lastFlushMs = 0;

  private listNames: Statement | undefined;
  private readonly nameList: UntilChanged<{ id: number; name: string }[]>;

  constructor(private readonly db: Db) {
    this.nameList = new UntilChanged(db, 1);
  }

  /** The id of the named system, creating it on first sight. */
  resolve(name: string, ip: string, seenMs: number): number {
    const key = name.toLowerCase();
    let id = this.idByName.get(key);
    if (id === undefined) {
      const row = this.db.prepare('SELECT id, name FROM systems WHERE name = ?').get(name) as { id: number; name: string } | undefined;
      if (row) id = row.id;
      else {
        const info = this.db
          .prepare('INSERT INTO systems (name, ip, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)')
          .run(name, ip, seenMs, seenMs);
        id = Number(info.lastInsertRowid);
      }
      this.idByName.set(key, id);
      this.nameById.set(id, row?.name ?? name);
    }
    this.lastSeen.set(id, { ms: seenMs, ip });
    return id;
  }

  /**
   * Writes the last-seen times gathered since the previous write: one UPDATE per system, not per
   * line, and at most once a second unless `force` (on close).
   */
  flushLastSeen(force = false): void {
    if (this.lastSeen.size === 0) return;
    const now = Date.now();
    if (!force && now - this.lastFlushMs < LAST_SEEN_FLUSH_MS) return;
    this.lastFlushMs = now;
    const update = this.db.prepare('UPDATE systems SET last_seen_ms = max(last_seen_ms, ?), ip = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const [id, seen] of this.lastSeen) update.run(seen.ms, seen.ip, id);
    })();
    this.lastSeen.clear();
  }

  nameOf(id: number): string {
    let name = this.nameById.get(id);
    if (name === undefined) {
      const row = this.db.prepare('SELECT name FROM systems WHERE id = ?').get(id) as { name: string } | undefined;
      name = row?.name ?? `system ${id}`;
      this.nameById.set(id, name);
    }
    return name;
  }

  list(): SystemRow[] {
    return (this.db.prepare('SELECT * FROM systems ORDER BY name').all() as SystemDbRow[]).map(toSystem);
  }

  /** Ids and names only: what every search compiles against (sender terms), 8x cheaper than list(). */
  names(): readonly { id: number; name: string }[] {
    // Every search asks: kept until the next commit to the database (a new sender, a rename).
    return this.nameList.get('', () => {
      this.listNames ??= this.db.prepare('SELECT id, name FROM systems');
      return this.listNames.all() as { id: number; name: string }[];
    })!;
  }

  find(idOrName: string): SystemRow | undefined {
    const row = /^\d+$/.test(idOrName)
      ? this.db.prepare('SELECT * FROM systems WHERE id = ?').get(Number(idOrName))
      : this.db.prepare('SELECT * FROM systems WHERE name = ?').get(idOrName);
    return row ? toSystem(row as SystemDbRow) : undefined;
  }
}
