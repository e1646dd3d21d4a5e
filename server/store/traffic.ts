// Who sends how much, from the newest day file's per-minute counts: the planner's estimate of how
// many rows a system filter keeps. Cached briefly; a plan only needs the order of magnitude.
import type { Partitions } from './partitions.ts';

const CACHE_MS = 60_000;

export class Traffic {
  private cached: { atMs: number; bySystem: Map<number, number>; total: number } | undefined;

  constructor(private readonly partitions: Partitions) {}

  /** The share (0..1) of the newest day's events sent by these systems; 1 when nothing is stored. */
  shareOf(systemIds: readonly number[]): number {
    const now = Date.now();
    if (!this.cached || this.cached.atMs + CACHE_MS < now) {
      const day = this.partitions.days()[0];
      const rows = day ? (this.partitions.reader(day)?.prepare('SELECT system_id, sum(count) AS n FROM minute_counts GROUP BY system_id').all() as { system_id: number; n: number }[]) : [];
      const bySystem = new Map((rows ?? []).map((r) => [r.system_id, r.n]));
      this.cached = { atMs: now, bySystem, total: [...bySystem.values()].reduce((a, b) => a + b, 0) };
    }
    const { bySystem, total } = this.cached;
    if (total === 0) return 1;
    return systemIds.reduce((n, id) => n + (bySystem.get(id) ?? 0), 0) / total;
  }
}
