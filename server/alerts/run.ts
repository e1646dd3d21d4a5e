// The alert engine: rounds of due alerts and counting ahead; notifications are alerts/deliver.ts.
//
// Exactly-once windows. A round takes its cut-off C = the highest committed event id once, at its
// start. Each due alert counts the matches in (last_id, C] and then, in one SQLite transaction,
// records the run and moves last_id from its old value to C (store/alerts.ts commitRuns). So:
//   crash before that commit   → nothing recorded, cursor unmoved: the next run covers it all
//   crash after it             → the run is recorded once; its notifications are pending rows
//   run late (server down 3 h) → the window still starts at last_id: the gap is covered once
// Events are immutable and ids only grow, so re-counting a window gives the same answer, and an
// event that commits after C has an id above C: it belongs to the next window. Counting runs on
// the store's counting thread (store/count.ts) and, between ticks, ahead of time (tally.ts).
// Notifications are at-least-once: a crash between sending and recording sends again at restart.
import type { Logger } from '../log.ts';
import { BUCKETS, type Metrics } from '../metrics.ts';
import type { RunCommit, RunRow } from '../store/alerts.ts';
import type { Store } from '../store/index.ts';
import type { Filter } from '../store/search.ts';
import { Deliveries, EMAIL_RETRY_DELAYS_MS } from './deliver.ts';
import type { Mailer } from './email.ts';
import { evaluate, planWindow } from './evaluate.ts';
import { isDue } from './periods.ts';
import { compileSavedSearch, type Compiled } from './query.ts';
import { Tallies } from './tally.ts';
import { WEBHOOK_DEFAULTS, type WebhookOptions } from './webhook.ts';

// Runs are committed in batches: one fsync per batch, not per alert.
const COMMIT_BATCH = 100;
const STOP_WAIT_MS = 5000; // shutdown waits this long for deliveries, then leaves them pending

export interface EngineDeps {
  store: Store;
  log: Logger;
  /** Alert round durations go to driftwood_alert_round_duration_seconds. */
  metrics?: Metrics;
  /** The clock: rounds started by the scheduler use it; tests pass their own `now` to runDue(). */
  now: () => number;
  publicUrl: string;
  mailer: Mailer;
  webhook?: Partial<WebhookOptions>;
  emailRetryDelaysMs?: readonly number[];
  /**
   * Brings the full-text index up to every committed row (the index thread works about a quarter
   * second behind the commits): windows end at the highest indexed id, so a round asks first.
   */
  indexNow?: () => Promise<void>;
}

export interface RoundReport {
  /** Another round was still running: this one did nothing. */
  skipped: boolean;
  due: number;
  recorded: number;
  fired: number;
  errors: number;
  /** Distinct (query, window) counts: alerts on the same search share one. */
  counts: number;
  ms: number;
}

export class AlertEngine {
  private round?: Promise<RoundReport>;
  private precounting?: Promise<void>;
  private readonly tallies = new Tallies();
  private readonly abort = new AbortController();
  private readonly deliveries: Deliveries;
  private latestNow = 0;
  private stopping = false;

  constructor(private readonly deps: EngineDeps) {
    this.deliveries = new Deliveries({
      store: deps.store,
      log: deps.log,
      mailer: deps.mailer,
      publicUrl: deps.publicUrl,
      webhook: { ...WEBHOOK_DEFAULTS, ...deps.webhook, signal: this.abort.signal },
      emailRetryDelaysMs: deps.emailRetryDelaysMs ?? EMAIL_RETRY_DELAYS_MS,
      clock: () => this.clock(),
    });
  }

  private clock(nowMs?: number): number {
    this.latestNow = Math.max(this.latestNow, nowMs ?? this.deps.now());
    return nowMs ?? this.latestNow;
  }

  /** Runs every enabled alert that is due at nowMs, then starts the deliveries that are due. */
  runDue(nowMs?: number): Promise<RoundReport> {
    if (this.round) {
      this.deps.log.warn('alerts: the previous round is still running; this tick is skipped (the next one covers it)');
      return Promise.resolve({ skipped: true, due: 0, recorded: 0, fired: 0, errors: 0, counts: 0, ms: 0 });
    }
    const now = this.clock(nowMs);
    this.round = this.doRound(now).finally(() => (this.round = undefined));
    return this.round;
  }

  /** Counting stays exact without it (rows above the index mark are read directly), only slower. */
  private async catchUpIndex(): Promise<void> {
    await this.deps.indexNow?.().catch((e: Error) => this.deps.log.warn(`alerts: cannot bring the index up to date (${e.message}); counting its unindexed rows directly`));
  }

  private async doRound(now: number): Promise<RoundReport> {
    const started = performance.now();
    const { store } = this.deps;
    const due = store.alerts.enabled().filter((a) => isDue(a.frequency, a.timezone, a.last_run_ms, now));
    const report: RoundReport = { skipped: false, due: due.length, recorded: 0, fired: 0, errors: 0, counts: 0, ms: 0 };
    if (due.length) {
      await this.catchUpIndex();
      const cutoff = store.windows.highestId();
      const compiled = new Map<number, Compiled>();
      const counted = new Map<string, Promise<number>>();
      let batch: RunCommit[] = [];
      const flush = () => {
        const ids = store.alerts.commitRuns(batch);
        report.recorded += ids.filter((id) => id !== undefined).length;
        batch = [];
      };
      // All counts are asked for at once: the counting thread works through them while this
      // thread goes on taking in events. Alerts with the same query and window share one count.
      const planned = due.map((alert) => {
        const plan = planWindow(alert, now, cutoff);
        const search = compiled.get(alert.search_id) ?? this.compileSearch(alert.search_id);
        compiled.set(alert.search_id, search);
        let count: Promise<number> | undefined;
        if ('filter' in search) {
          const key = `${search.key}|${plan.afterId}|${plan.throughId}`;
          count = counted.get(key);
          if (!count) counted.set(key, (count = this.countWindow(search, plan.afterId, plan.throughId)));
          count.catch(() => {}); // awaited below, in order
        }
        return { alert, plan, search, count };
      });
      report.counts = counted.size;
      for (const { alert, plan, search, count } of planned) {
        if (this.stopping) break;
        let matched: number | null = null;
        let error = 'error' in search ? search.error : null;
        if (count) {
          try {
            matched = await count;
          } catch (e) {
            if (this.stopping) break; // not a failure of the alert: its window is simply not recorded yet
            error = `cannot count matches: ${(e as Error).message}`;
          }
        }
        const verdict = matched === null ? undefined : evaluate(alert.condition, matched);
        if (verdict?.fire) report.fired++;
        if (error) {
          report.errors++;
          this.deps.log.warn(`alert ${alert.id}: ${error}`);
        }
        batch.push({
          run: { alert_id: alert.id, kind: 'scheduled', ran_ms: now, after_id: plan.afterId, through_id: plan.throughId, since_ms: plan.sinceMs, late: plan.late, query: search.query, group_id: search.group_id, matched, fired: verdict?.fire ?? false, error },
          deliveries: verdict?.fire ? this.deliveries.forFiredRun(alert, now) : [],
          // A failed run leaves the cursor alone: the next run covers these events again.
          advance: matched !== null,
        });
        if (batch.length >= COMMIT_BATCH) flush();
      }
      if (batch.length) flush();
    }
    report.ms = Math.round(performance.now() - started);
    this.deps.metrics?.observe('driftwood_alert_round_duration_seconds', 'time of one alert round: counting the due alerts and recording their runs', BUCKETS.alertRound, (performance.now() - started) / 1000);
    if (due.length) this.deps.log.info(`alerts: ${report.due} due, ${report.recorded} recorded, ${report.fired} fired, ${report.errors} failed, ${report.counts} counts in ${report.ms} ms`);
    this.deliverDue(now);
    return report;
  }

  private compileSearch(searchId: number): Compiled {
    return compileSavedSearch(this.deps.store, searchId);
  }

  /** Counts (after, through] on the counting thread; a tally saves what was counted ahead. */
  private async countWindow(search: { filter: Filter; key: string }, after: number, through: number): Promise<number> {
    const tally = this.tallies.get(search.key, after);
    const usable = tally !== undefined && tally.upTo <= through;
    const rest = await this.deps.store.windows.countOffThread(search.filter, usable ? tally.upTo : after, through);
    return (usable ? tally.count : 0) + rest;
  }

  /**
   * Counts ahead: brings the tally of every enabled alert's current window up to the highest
   * indexed id, so that the round at the tick only counts what arrived since. The scheduler
   * calls it every few seconds; it gives way to a round and to shutdown.
   */
  precount(): Promise<void> {
    if (this.precounting || this.round || this.stopping) return this.precounting ?? Promise.resolve();
    this.precounting = this.doPrecount().finally(() => (this.precounting = undefined));
    return this.precounting;
  }

  private async doPrecount(): Promise<void> {
    const { store } = this.deps;
    // Only what the index holds: rows it has not reached yet are left to the round at the tick.
    const through = store.windows.highestIndexedId();
    const compiled = new Map<number, Compiled>();
    const live = new Set<string>();
    const work: Promise<void>[] = [];
    for (const alert of store.alerts.enabled()) {
      const search = compiled.get(alert.search_id) ?? this.compileSearch(alert.search_id);
      compiled.set(alert.search_id, search);
      if (!('filter' in search)) continue;
      const key = Tallies.liveKey(search.key, alert.last_id);
      if (live.has(key)) continue;
      live.add(key);
      const tally = this.tallies.get(search.key, alert.last_id) ?? { upTo: alert.last_id, count: 0 };
      if (tally.upTo >= through) continue;
      work.push(
        store.windows.countOffThread(search.filter, tally.upTo, through).then(
          (n) => this.tallies.set(search.key, alert.last_id, { upTo: through, count: tally.count + n }),
          (e: Error) => {
            if (!this.stopping) this.deps.log.warn(`alert ${alert.id}: cannot count ahead: ${e.message}`);
          },
        ),
      );
    }
    await Promise.all(work);
    this.tallies.retain(live);
  }

  /** Starts the pending deliveries that are due (fired runs, retries, ones left by a restart). */
  deliverDue(nowMs?: number): void {
    if (!this.stopping) this.deliveries.deliverDue(this.clock(nowMs));
  }

  /** Resolves when no delivery is in flight (tests; shutdown). */
  settled(): Promise<void> {
    return this.deliveries.settled();
  }

  /** "Send test" (alerts/deliver.ts): undefined when there is no such alert. */
  async sendTest(alertId: number, nowMs?: number): Promise<RunRow | undefined> {
    await this.catchUpIndex();
    return this.deliveries.sendTest(alertId, nowMs ?? this.deps.now());
  }

  /** Stops rounds and deliveries; what is pending stays pending for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    const waits: Promise<unknown>[] = [this.settled()];
    if (this.round) waits.push(this.round.catch(() => undefined));
    if (this.precounting) waits.push(this.precounting.catch(() => undefined));
    await Promise.race([Promise.all(waits), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    this.deps.mailer.close();
  }
}
