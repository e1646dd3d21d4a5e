// The saved-searches screen in one request (issue 12): each search with its alerts' states and a
// sparkline of its matches per hour over the last 24 h. A search with an alert that runs at least
// hourly takes its sparkline from the alert's run history (those counts are already made); the
// others are counted hour by hour within a budget, and every count is remembered: event ids only
// grow, so an hour is counted once and the hour in progress only for its new events.
import type { AlertState } from '../../shared/api.ts';
import type { AlertRow, DeliveryRow, RunRow } from '../store/alerts.ts';
import { IDS_PER_MS, idFloorForTime } from '../store/ids.ts';
import type { Store } from '../store/index.ts';
import type { SavedSearchRow } from '../store/searches.ts';
import { firstOfLastHours } from '../store/volume.ts';
import { compileQuery } from './query.ts';

export const SPARKLINE_HOURS = 24;
const HOUR_MS = 3_600_000;
/** Runs read back: the sparkline's 24 h plus the hour before, where a daily alert's last run is. */
const RUNS_HORIZON_MS = (SPARKLINE_HOURS + 1) * HOUR_MS;
/**
 * Counting per request for the searches without an hourly alert: the screen must answer in
 * ~300 ms with 500 searches. What is not counted in time is null and counted by the next request.
 */
const COUNT_BUDGET_MS = 100;
/** Counted in 10-minute windows: the budget is checked between them (one window may overrun it). */
const COUNT_WINDOW_IDS = 600_000 * IDS_PER_MS;
const TALLIES_MAX = 100_000; // (query, hour) counts kept: 24 per search, far above any search count

type Run = Omit<RunRow, 'deliveries'>;

export interface AlertOverview {
  alert: AlertRow;
  state: AlertState;
  lastRun: Run | null;
  /** Why the state is `failing`: the run's error or the failed delivery's last answer. */
  failure: string | null;
}

export interface SearchOverviewRow {
  search: SavedSearchRow;
  alerts: AlertOverview[];
  /** Matches per hour, oldest first; null where not known. */
  sparkline: (number | null)[];
  /** Where the hours came from: an alert's runs (hours before the alert existed are counted), or counting. */
  source: 'alert_runs' | 'counted';
}

/** One alert's runs as hourly sums, for the query (and group) they ran with. */
interface RunHours {
  queryKey: string;
  /** The earliest window start read: hours before it were not covered by this alert's runs. */
  coveredFromMs: number;
  lastRanMs: number;
  hours: Map<number, number>;
}

const queryKeyOf = (query: string, groupId: number | null) => `${query}\u0000${groupId ?? ''}`;

/** The alert's state for the list (issue 12: ok / fired / failing delivery). */
function stateOf(alert: AlertRow, lastRun: Run | null, lastDeliveries: DeliveryRow[]): { state: AlertState; failure: string | null } {
  if (!alert.enabled) return { state: 'disabled', failure: null };
  if (lastRun?.error) return { state: 'failing', failure: lastRun.error };
  // A delivery that failed, or that failed at least once and waits for its retry.
  const failed = lastDeliveries.find((d) => d.status === 'failed' || (d.status === 'pending' && d.attempts > 0));
  if (failed) return { state: 'failing', failure: `${failed.channel}: ${failed.detail ?? 'failed'}` };
  return { state: lastRun?.fired ? 'fired' : 'ok', failure: null };
}

export class SearchOverviews {
  /** Runs with an id from here on are still to be read; undefined before the first request. */
  private nextRunId: number | undefined;
  private readonly lastRun = new Map<number, Run>();
  private readonly lastFiredRun = new Map<number, number>();
  private readonly runHours = new Map<number, RunHours>();
  private readonly tallies = new Map<string, { upTo: number; count: number }>();

  constructor(private readonly store: Store) {}

  /** Every saved search, with `nowMs`'s hour last in each sparkline. */
  list(nowMs: number): { sparklineStartMs: number; searches: SearchOverviewRow[] } {
    const startMs = firstOfLastHours(nowMs, SPARKLINE_HOURS);
    this.readNewRuns(nowMs);
    const alertsBySearch = new Map<number, AlertRow[]>();
    for (const a of this.store.alerts.list()) alertsBySearch.set(a.search_id, [...(alertsBySearch.get(a.search_id) ?? []), a]);
    const rows = this.store.searches.list().map((search): SearchOverviewRow => {
      const alerts = (alertsBySearch.get(search.id) ?? []).map((alert) => this.alertOverview(alert));
      const fromRuns = this.sparklineFromRuns(search, alerts, startMs);
      return { search, alerts, sparkline: fromRuns ?? new Array<number | null>(SPARKLINE_HOURS).fill(null), source: fromRuns ? 'alert_runs' : 'counted' };
    });
    this.count(rows, startMs, performance.now() + COUNT_BUDGET_MS);
    return { sparklineStartMs: startMs, searches: rows };
  }

  private alertOverview(alert: AlertRow): AlertOverview {
    const lastRun = this.lastRun.get(alert.id) ?? null;
    const fired = this.lastFiredRun.get(alert.id);
    return { alert, lastRun, ...stateOf(alert, lastRun, fired === undefined ? [] : this.store.alerts.deliveries(fired)) };
  }

  /** Reads the scheduled runs written since the last request (the last 25 h on the first one). */
  private readNewRuns(nowMs: number): void {
    const from = this.nextRunId ?? this.store.alerts.firstRunIdSince(nowMs - RUNS_HORIZON_MS);
    for (const run of this.store.alerts.scheduledRunsFrom(from)) {
      this.nextRunId = run.id + 1;
      this.lastRun.set(run.alert_id, run);
      if (run.fired) this.lastFiredRun.set(run.alert_id, run.id);
      if (run.matched === null) continue; // failed: the next run counts the same events
      const queryKey = queryKeyOf(run.query, run.group_id);
      let h = this.runHours.get(run.alert_id);
      if (!h || h.queryKey !== queryKey) this.runHours.set(run.alert_id, (h = { queryKey, coveredFromMs: run.since_ms, lastRanMs: run.ran_ms, hours: new Map() }));
      // A run's matches go to the hour that holds the middle of its window: exact for hourly runs.
      const hour = Math.floor((run.since_ms + run.ran_ms) / 2 / HOUR_MS) * HOUR_MS;
      h.hours.set(hour, (h.hours.get(hour) ?? 0) + run.matched);
      h.lastRanMs = run.ran_ms;
    }
    this.nextRunId ??= from;
    const oldest = nowMs - RUNS_HORIZON_MS;
    for (const h of this.runHours.values()) for (const hour of h.hours.keys()) if (hour < oldest) h.hours.delete(hour);
  }

  /** From the alert (hourly or more often, same query) whose runs cover the most; undefined if none. */
  private sparklineFromRuns(search: SavedSearchRow, alerts: AlertOverview[], startMs: number): (number | null)[] | undefined {
    const key = queryKeyOf(search.query, search.group_id);
    const candidates = alerts
      .filter((a) => a.alert.frequency !== '1d')
      .map((a) => this.runHours.get(a.alert.id))
      .filter((h): h is RunHours => h?.queryKey === key)
      .sort((a, b) => a.coveredFromMs - b.coveredFromMs);
    const best = candidates[0];
    if (!best) return undefined;
    return Array.from({ length: SPARKLINE_HOURS }, (_, i) => {
      const hour = startMs + i * HOUR_MS;
      // Known from its covering runs: after the alert's first window began, before its last run.
      return hour >= Math.floor(best.coveredFromMs / HOUR_MS) * HOUR_MS && hour < best.lastRanMs ? (best.hours.get(hour) ?? 0) : null;
    });
  }

  /**
   * Fills the hours the runs did not give (all of them for a search without an hourly alert) by
   * counting, newest hour first across searches, until `deadline`.
   */
  private count(rows: SearchOverviewRow[], startMs: number, deadline: number): void {
    rows = rows.filter((r) => r.sparkline.includes(null));
    const compiled = rows.map((r) => compileQuery(this.store, r.search.query, r.search.group_id));
    const highestId = this.store.windows.highestId();
    for (let i = SPARKLINE_HOURS - 1; i >= 0; i--) {
      rows.forEach((row, k) => {
        const c = compiled[k]!;
        if ('filter' in c && row.sparkline[i] === null) row.sparkline[i] = this.countHour(c.key, c.filter, startMs + i * HOUR_MS, highestId, deadline);
      });
    }
    for (const key of this.tallies.keys()) if (Number(key.slice(key.lastIndexOf('|') + 1)) < startMs) this.tallies.delete(key);
    if (this.tallies.size > TALLIES_MAX) this.tallies.clear();
  }

  /** Matches in one hour up to the newest event, continuing what earlier requests counted; null if the deadline came first. */
  private countHour(key: string, filter: Parameters<Store['windows']['count']>[0], hourMs: number, highestId: number, deadline: number): number | null {
    const tallyKey = `${key}|${hourMs}`;
    const tally = this.tallies.get(tallyKey) ?? { upTo: idFloorForTime(hourMs) - 1, count: 0 };
    const end = Math.min(idFloorForTime(hourMs + HOUR_MS) - 1, highestId);
    while (tally.upTo < end && performance.now() < deadline) {
      const through = Math.min(end, tally.upTo + COUNT_WINDOW_IDS);
      tally.count += this.store.windows.count(filter, tally.upTo, through).count;
      tally.upTo = through;
    }
    this.tallies.set(tallyKey, tally);
    return tally.upTo >= end ? tally.count : null;
  }
}
