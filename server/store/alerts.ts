// Alerts, their cursors, their runs and the deliveries of fired runs (DESIGN 6).
// The exactly-once rule lives in commitRuns(): a run row is written only in the same transaction
// that moves its alert's cursor from the window's start to its end, and only if the cursor is
// still at the window's start. A crash before that commit leaves the cursor where it was.
import { randomBytes } from 'node:crypto';
import type { AlertCondition, AlertDeliveryStatus, AlertFrequency } from '../../shared/api.ts';
import type { Db } from './db.ts';

export type Channel = 'email' | 'webhook';

export interface AlertInput {
  search_id: number;
  frequency: AlertFrequency;
  condition: AlertCondition;
  email_to: string[];
  webhook_url: string | null;
  webhook_counts_only: boolean;
  timezone: string;
  enabled: boolean;
}

export interface AlertRow extends AlertInput {
  id: number;
  webhook_secret: string;
  /** Cursor: the highest event id the previous run covered. */
  last_id: number;
  last_run_ms: number;
  created_ms: number;
  updated_ms: number;
}

export interface RunRecord {
  alert_id: number;
  kind: 'scheduled' | 'test';
  ran_ms: number;
  /** Window: after_id < id <= through_id. */
  after_id: number;
  through_id: number;
  since_ms: number;
  late: boolean;
  query: string;
  group_id: number | null;
  matched: number | null;
  fired: boolean;
  error: string | null;
}

export interface DeliveryRow {
  channel: Channel;
  status: AlertDeliveryStatus;
  attempts: number;
  next_ms: number | null;
  detail: string | null;
}

export interface RunRow extends RunRecord {
  id: number;
  deliveries: DeliveryRow[];
}

export interface RunHoursRow {
  alert_id: number;
  query: string;
  group_id: number | null;
  hour: number;
  matched: number;
  since_ms: number;
  last_ran_ms: number;
  last_id: number;
  last_fired_id: number | null;
}

export interface RunCommit {
  run: RunRecord;
  deliveries: DeliveryRow[];
  /** Scheduled runs: move the cursor to run.through_id, only if it is still at run.after_id. */
  advance: boolean;
}

interface AlertDbRow {
  id: number;
  search_id: number;
  frequency: AlertFrequency;
  condition_type: 'at_least' | 'none';
  condition_count: number;
  email_to: string;
  webhook_url: string | null;
  webhook_counts_only: number;
  webhook_secret: string;
  timezone: string;
  enabled: number;
  last_id: number;
  last_run_ms: number;
  created_ms: number;
  updated_ms: number;
}

interface RunDbRow extends Omit<RunRecord, 'late' | 'fired'> {
  id: number;
  late: number;
  fired: number;
}

// History is for looking back a while, not an archive: a 1-minute alert keeps about 5 days.
export const RUNS_KEPT_PER_ALERT = 7200;
const PRUNE_EVERY = 64;
const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  return `dwh_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

const toAlert = (r: AlertDbRow): AlertRow => ({
  id: r.id,
  search_id: r.search_id,
  frequency: r.frequency,
  condition: r.condition_type === 'none' ? { type: 'none' } : { type: 'at_least', count: r.condition_count },
  email_to: JSON.parse(r.email_to) as string[],
  webhook_url: r.webhook_url,
  webhook_counts_only: r.webhook_counts_only === 1,
  webhook_secret: r.webhook_secret,
  timezone: r.timezone,
  enabled: r.enabled === 1,
  last_id: r.last_id,
  last_run_ms: r.last_run_ms,
  created_ms: r.created_ms,
  updated_ms: r.updated_ms,
});

const conditionColumns = (c: AlertCondition) => (c.type === 'none' ? ['none', 1] : ['at_least', c.count]);

export class Alerts {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one immediate transaction on the meta database (saved searches and alerts). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  list(searchId?: number): AlertRow[] {
    const rows = searchId === undefined ? this.db.prepare('SELECT * FROM alerts ORDER BY id').all() : this.db.prepare('SELECT * FROM alerts WHERE search_id = ? ORDER BY id').all(searchId);
    return (rows as AlertDbRow[]).map(toAlert);
  }

  enabled(): AlertRow[] {
    return (this.db.prepare('SELECT * FROM alerts WHERE enabled = 1 ORDER BY id').all() as AlertDbRow[]).map(toAlert);
  }

  find(id: number): AlertRow | undefined {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertDbRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  /** A new alert's first window starts now: its cursor is the highest id stored so far. */
  create(input: AlertInput, cursor: { lastId: number; nowMs: number }): AlertRow {
    const [type, count] = conditionColumns(input.condition);
    const info = this.db
      .prepare(
        `INSERT INTO alerts (search_id, frequency, condition_type, condition_count, email_to, webhook_url, webhook_counts_only, webhook_secret,
                             timezone, enabled, last_id, last_run_ms, created_ms, updated_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(input.search_id, input.frequency, type, count, JSON.stringify(input.email_to), input.webhook_url, input.webhook_counts_only ? 1 : 0, newWebhookSecret(), input.timezone, input.enabled ? 1 : 0, cursor.lastId, cursor.nowMs, cursor.nowMs, cursor.nowMs);
    return this.find(Number(info.lastInsertRowid))!;
  }

  /**
   * Changes an alert. Enabling a disabled alert restarts its windows at `cursor` (nothing from
   * the disabled time is reported). Undefined when there is no such alert.
   */
  update(id: number, change: Partial<AlertInput>, cursor: { lastId: number; nowMs: number }): AlertRow | undefined {
    return this.db
      .transaction(() => {
        const current = this.find(id);
        if (!current) return undefined;
        const next = { ...current, ...change };
        const [type, count] = conditionColumns(next.condition);
        const restart = next.enabled && !current.enabled;
        this.db
          .prepare(
            `UPDATE alerts SET search_id = ?, frequency = ?, condition_type = ?, condition_count = ?, email_to = ?, webhook_url = ?,
                    webhook_counts_only = ?, timezone = ?, enabled = ?, last_id = ?, last_run_ms = ?, updated_ms = ? WHERE id = ?`,
          )
          .run(next.search_id, next.frequency, type, count, JSON.stringify(next.email_to), next.webhook_url, next.webhook_counts_only ? 1 : 0, next.timezone, next.enabled ? 1 : 0,
            restart ? cursor.lastId : current.last_id, restart ? cursor.nowMs : current.last_run_ms, cursor.nowMs, id);
        return this.find(id);
      })
      .immediate();
  }

  /** A new webhook secret (the old one stops working at once). */
  rotateSecret(id: number, nowMs: number): AlertRow | undefined {
    const changed = this.db.prepare('UPDATE alerts SET webhook_secret = ?, updated_ms = ? WHERE id = ?').run(newWebhookSecret(), nowMs, id).changes;
    return changed ? this.find(id) : undefined;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM alerts WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Records runs in one transaction (one fsync for a whole round). For `advance` runs the cursor
   * moves from after_id to through_id; a run whose alert meanwhile moved, was disabled or deleted
   * is dropped (undefined in the result), so no window is recorded twice.
   */
  commitRuns(commits: readonly RunCommit[]): (number | undefined)[] {
    const advance = this.db.prepare('UPDATE alerts SET last_id = ?, last_run_ms = ? WHERE id = ? AND last_id = ? AND enabled = 1');
    const insertRun = this.db.prepare(
      `INSERT INTO alert_runs (alert_id, kind, ran_ms, after_id, through_id, since_ms, late, query, group_id, matched, fired, error)
       VALUES (@alert_id, @kind, @ran_ms, @after_id, @through_id, @since_ms, @late, @query, @group_id, @matched, @fired, @error)`,
    );
    const insertDelivery = this.db.prepare('INSERT INTO alert_deliveries (run_id, channel, status, attempts, next_ms, detail, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const prune = this.db.prepare(
      `DELETE FROM alert_runs WHERE alert_id = ? AND id <= (SELECT id FROM alert_runs WHERE alert_id = ? ORDER BY id DESC LIMIT 1 OFFSET ${RUNS_KEPT_PER_ALERT})`,
    );
    return this.db
      .transaction(() =>
        commits.map(({ run, deliveries, advance: move }) => {
          if (move && advance.run(run.through_id, run.ran_ms, run.alert_id, run.after_id).changes === 0) return undefined;
          if (!move && !this.db.prepare('SELECT 1 FROM alerts WHERE id = ?').get(run.alert_id)) return undefined;
          const id = Number(insertRun.run({ ...run, late: run.late ? 1 : 0, fired: run.fired ? 1 : 0 }).lastInsertRowid);
          for (const d of deliveries) insertDelivery.run(id, d.channel, d.status, d.attempts, d.next_ms, d.detail, run.ran_ms);
          // Pruning walks RUNS_KEPT_PER_ALERT index entries: do it on about one run in PRUNE_EVERY.
          if (id % PRUNE_EVERY === 0) prune.run(run.alert_id, run.alert_id);
          return id;
        }),
      )
      .immediate();
  }

  /** Runs of an alert, newest first. */
  history(alertId: number, limit: number, beforeRunId?: number): RunRow[] {
    const rows = this.db
      .prepare('SELECT * FROM alert_runs WHERE alert_id = ? AND id < ? ORDER BY id DESC LIMIT ?')
      .all(alertId, beforeRunId ?? Number.MAX_SAFE_INTEGER, limit) as RunDbRow[];
    return rows.map((r) => this.withDeliveries(r));
  }

  run(runId: number): RunRow | undefined {
    const row = this.db.prepare('SELECT * FROM alert_runs WHERE id = ?').get(runId) as RunDbRow | undefined;
    return row ? this.withDeliveries(row) : undefined;
  }

  private withDeliveries(r: RunDbRow): RunRow {
    return { ...r, late: r.late === 1, fired: r.fired === 1, deliveries: this.deliveries(r.id) };
  }

  deliveries(runId: number): DeliveryRow[] {
    return this.db.prepare('SELECT channel, status, attempts, next_ms, detail FROM alert_deliveries WHERE run_id = ? ORDER BY channel').all(runId) as DeliveryRow[];
  }

  /** The lowest and highest run ids (0, 0 when there is none). */
  runIdBounds(): { lo: number; hi: number } {
    // Two subqueries: min() and max() in one SELECT would scan the table instead of seeking.
    const b = this.db.prepare('SELECT (SELECT min(id) FROM alert_runs) AS lo, (SELECT max(id) FROM alert_runs) AS hi').get() as { lo: number | null; hi: number | null };
    return { lo: b.lo ?? 0, hi: b.hi ?? 0 };
  }

  /**
   * The first run id at or after `ms`, of all alerts. Runs are written in time order, so ran_ms
   * grows with the id: a bisection of the rowid (a few point reads) instead of scanning the
   * table, which holds up to RUNS_KEPT_PER_ALERT runs per alert and has no index on ran_ms.
   */
  firstRunIdSince(ms: number): number {
    const bounds = this.runIdBounds();
    if (bounds.hi === 0) return 1;
    const at = this.db.prepare('SELECT id, ran_ms FROM alert_runs WHERE id >= ? ORDER BY id LIMIT 1');
    let lo = bounds.lo;
    let hi = bounds.hi + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = at.get(mid) as { id: number; ran_ms: number };
      if (row.ran_ms < ms) lo = row.id + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The scheduled runs with fromId <= id < toId summed per alert, query and hour of the middle of
   * their window (`hour` in Unix hours): matches (failed runs count none), the earliest window
   * start, the latest run time, the newest run id and the newest fired run id. SQLite sums them:
   * a day of 500 minute alerts is 720,000 rows.
   */
  runHours(fromId: number, toId: number): RunHoursRow[] {
    return this.db
      .prepare(
        `SELECT alert_id, query, group_id, (since_ms + ran_ms) / ${2 * 3_600_000} AS hour, coalesce(sum(matched), 0) AS matched, min(since_ms) AS since_ms,
                max(ran_ms) AS last_ran_ms, max(id) AS last_id, max(CASE WHEN fired THEN id END) AS last_fired_id
         FROM alert_runs WHERE id >= ? AND id < ? AND kind = 'scheduled' GROUP BY 1, 2, 3, 4`,
      )
      .all(fromId, toId) as RunHoursRow[];
  }

  /** Pending deliveries due at nowMs, oldest first. */
  dueDeliveries(nowMs: number, limit: number): { run_id: number; channel: Channel; attempts: number }[] {
    return this.db
      .prepare("SELECT run_id, channel, attempts FROM alert_deliveries WHERE status = 'pending' AND next_ms <= ? ORDER BY next_ms, run_id LIMIT ?")
      .all(nowMs, limit) as { run_id: number; channel: Channel; attempts: number }[];
  }

  updateDelivery(runId: number, channel: Channel, d: Omit<DeliveryRow, 'channel'>, nowMs: number): void {
    this.db
      .prepare('UPDATE alert_deliveries SET status = ?, attempts = ?, next_ms = ?, detail = ?, updated_ms = ? WHERE run_id = ? AND channel = ?')
      .run(d.status, d.attempts, d.next_ms, d.detail, nowMs, runId, channel);
  }
}
