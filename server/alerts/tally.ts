// Running counts between runs, so that a round at the minute's tick has only the last seconds left
// to count (alerts/run.ts precount()). A tally is (query, window start) → matches in
// (window start, upTo]; events are immutable and ids only grow, so a tally stays true until the
// alert's window moves on. Tallies live in memory only: after a crash the next run counts its
// whole window again, and the cursor still moves in the same transaction as the run row.

export interface Tally {
  upTo: number;
  count: number;
}

const TALLIES_MAX = 100_000; // one per distinct (query, window start): far above any alert count

export class Tallies {
  private readonly map = new Map<string, Tally>();

  private static key(queryKey: string, afterId: number): string {
    return `${queryKey}|${afterId}`;
  }

  get(queryKey: string, afterId: number): Tally | undefined {
    return this.map.get(Tallies.key(queryKey, afterId));
  }

  set(queryKey: string, afterId: number, tally: Tally): void {
    if (this.map.size >= TALLIES_MAX) this.map.clear();
    this.map.set(Tallies.key(queryKey, afterId), tally);
  }

  /** Keeps only the tallies in `live` (the windows of enabled alerts as they are now). */
  retain(live: ReadonlySet<string>): void {
    for (const k of this.map.keys()) if (!live.has(k)) this.map.delete(k);
  }

  static liveKey(queryKey: string, afterId: number): string {
    return Tallies.key(queryKey, afterId);
  }

  get size(): number {
    return this.map.size;
  }
}
