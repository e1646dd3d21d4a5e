// The saved-searches screen in one request (issue 12): each search with its alerts' states and a
// sparkline of its matches per hour over the last 24 h. A search with an alert that runs at least
// hourly takes its sparkline from the alert's run history (those counts are already made); the
// hours that gives no count for are counted in the store. Both are remembered between requests
// and go on within a time budget per request: runs are read newest first, and counted hours stay
// counted (event ids only grow, so an hour is counted once and the hour in progress only for its
// new events). What one request could not do is null, and the next request goes on.
import type { AlertState } from '../../shared/api.ts';
import type { AlertRow, DeliveryRow, RunHoursRow, RunRow } from '../store/alerts.ts';
import { IDS_PER_MS, idFloorForTime } from '../store/ids.ts';
import type { Store } from '../store/index.ts';
import type { SavedSearchRow } from '../store/searches.ts';
import { firstOfLastHours } from '../store/volume.ts';
import { compileQuery, type Compiled } from './query.ts';

export const SPARKLINE_HOURS = 24;
const HOUR_MS = 3_600_000;
/** Runs read back: the sparkline's 24 h plus the hour before, where a daily alert's last run is. */
const RUNS_HORIZON_MS = (SPARKLINE_HOURS + 1) * HOUR_MS;
/**
 * Work per request beyond listing: the screen must answer in ~300 ms with 500 searches. A day of
 * 500 minute alerts is 720,000 run rows to sum once after a start, and counting a busy search's
 * hour can take seconds: both go on in later requests.
 */
const WORK_BUDGET_MS = 100;
const RUNS_CHUNK_IDS = 20_000; // run ids summed per query when reading back: the budget is checked between
/** Counted in 10-minute windows: the budget is checked between them (one window may overrun it). */
const COUNT_WINDOW_IDS = 600_000 * IDS_PER_MS;
const TALLIES_MAX = 100_000; // queries whose counts are kept: far above any number of saved searches
const COMPILED_TTL_MS = 60_000; // a query compiles against the systems and groups as they are now

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
  /** Where the hours came from: an alert's runs (the hours they do not cover are counted), or counting. */
  source: 'alert_runs' | 'counted';
}

/** One query's runs of one alert, as hourly sums. */
interface RunHours {
  /** The earliest window start read: hours before it are not covered (yet). */
  coveredFromMs: number;
  lastRanMs: number;
  hours: Map<number, number>;
}

interface AlertRuns {
  lastId: number;
  lastFiredId: number | null;
  lastRun?: Run | null;
  delivered?: { runId: number; rows: DeliveryRow[] };
  byQuery: Map<string, RunHours>;
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
  /** Run ids in [readFrom, readTo) are summed; reading back stops at floorId. */
  private runs: { readFrom: number; readTo: number; floorId: number } | undefined;
  private readonly byAlert = new Map<number, AlertRuns>();
  /** Per query and group: counts per hour, made with one compiled form of the query. */
  private readonly tallies = new Map<string, { compiledKey: string; hours: Map<number, { upTo: number; count: number }> }>();
  private readonly compiled = new Map<string, { atMs: number; compiled: Compiled }>();

  constructor(private readonly store: Store) {}

  /** Every saved search, with `nowMs`'s hour last in each sparkline. */
  list(nowMs: number): { sparklineStartMs: number; searches: SearchOverviewRow[] } {
    const deadline = performance.now() + WORK_BUDGET_MS;
    const startMs = firstOfLastHours(nowMs, SPARKLINE_HOURS);
    this.readRuns(nowMs, deadline);
    const alertsBySearch = new Map<number, AlertRow[]>();
    for (const a of this.store.alerts.list()) alertsBySearch.set(a.search_id, [...(alertsBySearch.get(a.search_id) ?? []), a]);
    const rows = this.store.searches.list().map((search): SearchOverviewRow => {
      const alerts = (alertsBySearch.get(search.id) ?? []).map((alert) => this.alertOverview(alert));
      const fromRuns = this.sparklineFromRuns(search, alerts, startMs);
      return { search, alerts, sparkline: fromRuns ?? new Array<number | null>(SPARKLINE_HOURS).fill(null), source: fromRuns ? 'alert_runs' : 'counted' };
    });
    this.count(rows, startMs, nowMs, deadline);
    return { sparklineStartMs: startMs, searches: rows };
  }

  private alertOverview(alert: AlertRow): AlertOverview {
    const runs = this.byAlert.get(alert.id);
    if (!runs) return { alert, lastRun: null, ...stateOf(alert, null, []) };
    // Run rows never change once written: read each alert's newest once. Deliveries change until
    // none is pending any more.
    if (runs.lastRun?.id !== runs.lastId) runs.lastRun = this.store.alerts.run(runs.lastId) ?? null;
    if (runs.lastFiredId !== null && (runs.delivered?.runId !== runs.lastFiredId || runs.delivered.rows.some((d) => d.status === 'pending'))) {
      runs.delivered = { runId: runs.lastFiredId, rows: this.store.alerts.deliveries(runs.lastFiredId) };
    }
    return { alert, lastRun: runs.lastRun, ...stateOf(alert, runs.lastRun, runs.delivered?.rows ?? []) };
  }

  /** Sums the runs written since the last request, then reads further back while time remains. */
  private readRuns(nowMs: number, deadline: number): void {
    const { hi } = this.store.alerts.runIdBounds();
    if (!this.runs) this.runs = { readFrom: hi + 1, readTo: hi + 1, floorId: this.store.alerts.firstRunIdSince(nowMs - RUNS_HORIZON_MS) };
    const r = this.runs;
    if (hi + 1 > r.readTo) {
      this.add(this.store.alerts.runHours(r.readTo, hi + 1));
      r.readTo = hi + 1;
    }
    while (r.readFrom > r.floorId && performance.now() < deadline) {
      const from = Math.max(r.floorId, r.readFrom - RUNS_CHUNK_IDS);
      this.add(this.store.alerts.runHours(from, r.readFrom));
      r.readFrom = from;
    }
    const oldest = nowMs - RUNS_HORIZON_MS;
    for (const a of this.byAlert.values()) for (const q of a.byQuery.values()) for (const hour of q.hours.keys()) if (hour < oldest) q.hours.delete(hour);
  }

  private add(rows: RunHoursRow[]): void {
    for (const row of rows) {
      let a = this.byAlert.get(row.alert_id);
      if (!a) this.byAlert.set(row.alert_id, (a = { lastId: 0, lastFiredId: null, byQuery: new Map() }));
      a.lastId = Math.max(a.lastId, row.last_id);
      if (row.last_fired_id !== null) a.lastFiredId = Math.max(a.lastFiredId ?? 0, row.last_fired_id);
      const key = queryKeyOf(row.query, row.group_id);
      let q = a.byQuery.get(key);
      if (!q) a.byQuery.set(key, (q = { coveredFromMs: Infinity, lastRanMs: 0, hours: new Map() }));
      q.coveredFromMs = Math.min(q.coveredFromMs, row.since_ms);
      q.lastRanMs = Math.max(q.lastRanMs, row.last_ran_ms);
      // A run's matches go to the hour that holds the middle of its window: exact for hourly runs,
      // within half a window for others. (So the first hour taken from runs may also hold matches
      // of the counted hour before it: a sparkline, not a ledger.)
      const hour = row.hour * HOUR_MS;
      q.hours.set(hour, (q.hours.get(hour) ?? 0) + row.matched);
    }
  }

  /** From the alert (hourly or more often, same query) whose runs cover the most; undefined if none. */
  private sparklineFromRuns(search: SavedSearchRow, alerts: AlertOverview[], startMs: number): (number | null)[] | undefined {
    const key = queryKeyOf(search.query, search.group_id);
    const best = alerts
      .filter((a) => a.alert.frequency !== '1d')
      .map((a) => this.byAlert.get(a.alert.id)?.byQuery.get(key))
      .filter((h): h is RunHours => h !== undefined)
      .sort((a, b) => a.coveredFromMs - b.coveredFromMs)[0];
    if (!best) return undefined;
    return Array.from({ length: SPARKLINE_HOURS }, (_, i) => {
      const hour = startMs + i * HOUR_MS;
      // Known from its covering runs: whole hours after the first window began, up to the last run.
      return hour >= best.coveredFromMs && hour < best.lastRanMs ? (best.hours.get(hour) ?? 0) : null;
    });
  }

  /**
   * Fills the hours the runs did not give (all of them for a search without an hourly alert):
   * from earlier counts, then by counting, newest hour first across searches, until `deadline`.
   * A query is compiled only when something is left to count.
   */
  private count(rows: SearchOverviewRow[], startMs: number, nowMs: number, deadline: number): void {
    const highestId = this.store.windows.highestId();
    for (let i = SPARKLINE_HOURS - 1; i >= 0; i--) {
      const hourMs = startMs + i * HOUR_MS;
      const end = Math.min(idFloorForTime(hourMs + HOUR_MS) - 1, highestId);
      for (const row of rows) {
        if (row.sparkline[i] !== null) continue;
        const key = queryKeyOf(row.search.query, row.search.group_id);
        let tallies = this.tallies.get(key);
        let tally = tallies?.hours.get(hourMs);
        if ((!tally || tally.upTo < end) && performance.now() < deadline) {
          const compiled = this.compile(key, row.search, nowMs);
          if (!('filter' in compiled)) continue; // a bad query or a deleted group: its alert says why
          // Counts made with another compiled form (systems or groups changed) start again.
          if (!tallies || tallies.compiledKey !== compiled.key) this.tallies.set(key, (tallies = { compiledKey: compiled.key, hours: new Map() }));
          tally = tallies.hours.get(hourMs) ?? { upTo: idFloorForTime(hourMs) - 1, count: 0 };
          tallies.hours.set(hourMs, tally);
          while (tally.upTo < end && performance.now() < deadline) {
            const through = Math.min(end, tally.upTo + COUNT_WINDOW_IDS);
            tally.count += this.store.windows.count(compiled.filter, tally.upTo, through).count;
            tally.upTo = through;
          }
        }
        if (tally && tally.upTo >= end) row.sparkline[i] = tally.count;
      }
    }
    for (const t of this.tallies.values()) for (const hour of t.hours.keys()) if (hour < startMs) t.hours.delete(hour);
    if (this.tallies.size > TALLIES_MAX) this.tallies.clear();
  }

  private compile(key: string, search: SavedSearchRow, nowMs: number): Compiled {
    let c = this.compiled.get(key);
    if (!c || c.atMs + COMPILED_TTL_MS < nowMs) this.compiled.set(key, (c = { atMs: nowMs, compiled: compileQuery(this.store, search.query, search.group_id) }));
    if (this.compiled.size > TALLIES_MAX) this.compiled.clear();
    return c.compiled;
  }
}
