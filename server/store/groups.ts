// Groups: named sets of systems, either an explicit list or a wildcard on system names (`web-*`).
import { wildcardToRegExp } from '../../shared/query/match.ts';
import type { Db } from './db.ts';
import type { Systems } from './systems.ts';
import type { SystemRow } from './types.ts';

export interface GroupRow {
  id: number;
  name: string;
  system_wildcard: string | null;
  system_ids: number[];
}

interface GroupDbRow {
  id: number;
  name: string;
  system_wildcard: string | null;
}

export class Groups {
  constructor(
    private readonly db: Db,
    private readonly systems: Systems,
  ) {}

  /** The systems whose name matches a group wildcard such as `web-*` (case-insensitive), by name. */
  systemsMatching(wildcard: string): SystemRow[] {
    const re = wildcardToRegExp(wildcard);
    return this.systems.list().filter((s) => re.test(s.name.toLowerCase()));
  }

  private withMembers(g: GroupDbRow): GroupRow {
    const ids = g.system_wildcard
      ? this.systemsMatching(g.system_wildcard).map((s) => s.id)
      : (this.db.prepare('SELECT system_id FROM group_systems WHERE group_id = ? ORDER BY system_id').pluck().all(g.id) as number[]);
    return { ...g, system_ids: ids };
  }

  list(): GroupRow[] {
    return (this.db.prepare('SELECT id, name, system_wildcard FROM groups ORDER BY name').all() as GroupDbRow[]).map((g) => this.withMembers(g));
  }

  find(idOrName: string): GroupRow | undefined {
    const row = (/^\d+$/.test(idOrName)
      ? this.db.prepare('SELECT id, name, system_wildcard FROM groups WHERE id = ?').get(Number(idOrName))
      : this.db.prepare('SELECT id, name, system_wildcard FROM groups WHERE name = ?').get(idOrName)) as GroupDbRow | undefined;
    return row ? this.withMembers(row) : undefined;
  }

  /** System ids of every group whose name matches `pattern` (a name, or a wildcard like `prod-*`). */
  systemIdsMatching(pattern: string): number[] | undefined {
    const re = wildcardToRegExp(pattern);
    const groups = this.list().filter((g) => re.test(g.name.toLowerCase()));
    return groups.length ? [...new Set(groups.flatMap((g) => g.system_ids))] : undefined;
  }

  save(group: { id?: number; name: string; system_wildcard: string | null; system_ids: number[] }, nowMs: number): GroupRow {
    const id = this.db.transaction(() => {
      let gid = group.id;
      if (gid === undefined) {
        gid = Number(this.db.prepare('INSERT INTO groups (name, system_wildcard, created_ms) VALUES (?, ?, ?)').run(group.name, group.system_wildcard, nowMs).lastInsertRowid);
      } else {
        this.db.prepare('UPDATE groups SET name = ?, system_wildcard = ? WHERE id = ?').run(group.name, group.system_wildcard, gid);
        this.db.prepare('DELETE FROM group_systems WHERE group_id = ?').run(gid);
      }
      const add = this.db.prepare('INSERT OR IGNORE INTO group_systems (group_id, system_id) VALUES (?, ?)');
      for (const sid of group.system_ids) add.run(gid, sid);
      return gid;
    })();
    return this.find(String(id))!;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM groups WHERE id = ?').run(id).changes > 0;
  }
}
