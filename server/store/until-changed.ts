// Reads that every request repeats (the caller's API token, the systems every query compiles
// against), kept in memory until anyone commits to their database. PRAGMA data_version moves when
// another connection commits (the writer thread; the CLI in another process revoking a token),
// total_changes() when this connection writes: one statement without a table (~7 µs, the cost of
// starting a read transaction) instead of the reads it saves, and every change is seen by the
// very next request, as without the cache.
import type { Db, Statement } from './db.ts';

export class UntilChanged<V> {
  private readonly stampOf: Statement;
  private stamp: string | undefined;
  private readonly values = new Map<string, V>();

  /** `max`: values kept at once (a client sending ever new keys only empties the cache). */
  constructor(db: Db, private readonly max: number) {
    this.stampOf = db.prepare("SELECT data_version || ':' || total_changes() FROM pragma_data_version").pluck();
  }

  /** The value for `key`: kept from an earlier `load` while the database is unchanged. Undefined is never kept. */
  get(key: string, load: () => V | undefined): V | undefined {
    // Read before loading: a commit in between makes the next look load again, never the reverse.
    const stamp = this.stampOf.get() as string;
    if (stamp !== this.stamp) {
      this.values.clear();
      this.stamp = stamp;
    }
    let value = this.values.get(key);
    if (value === undefined) {
      value = load();
      if (value === undefined) return undefined;
      if (this.values.size >= this.max) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
