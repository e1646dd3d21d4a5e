// Notifications of fired runs: pending deliveries are sent (a few at a time), retried, and their
// outcome recorded on the run; and "send test". The rows survive restarts (store/alerts.ts), so a
// delivery cut short by a crash or shutdown is sent at the next start: at least once.
import type { Event } from '../../shared/event.ts';
import type { Logger } from '../log.ts';
import type { AlertRow, Channel, DeliveryRow, RunRow } from '../store/alerts.ts';
import type { Store } from '../store/index.ts';
import type { Mailer } from './email.ts';
import { compileQuery } from './query.ts';
import { EMAIL_EVENTS_MAX, renderEmail, webhookPayload, type NoticeInput } from './render.ts';
import { formBody, postWebhook, type WebhookOptions } from './webhook.ts';

const DELIVERY_CONCURRENCY = 8;
// Email: one attempt per try; pending tries come back after 1, 2, 4 and 8 minutes, then give up.
export const EMAIL_RETRY_DELAYS_MS = [60_000, 120_000, 240_000, 480_000];
export const WEBHOOK_EVENTS_MAX = 500; // events in one webhook payload (reached_record_limit beyond)
const TEST_SEARCH_BUDGET_MS = 2000;
const NOT_CONFIGURED = 'email not configured: set DRIFTWOOD_SMTP_URL';

export interface DeliveryDeps {
  store: Store;
  log: Logger;
  mailer: Mailer;
  publicUrl: string;
  webhook: WebhookOptions;
  emailRetryDelaysMs: readonly number[];
  /** The engine's clock: the latest `now` it was given, or the wall clock if later. */
  clock: () => number;
}

export class Deliveries {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: DeliveryDeps) {}

  /** The deliveries a fired run starts with. */
  forFiredRun(alert: AlertRow, now: number): DeliveryRow[] {
    const out: DeliveryRow[] = [];
    if (alert.email_to.length) {
      out.push(
        this.deps.mailer.configured
          ? { channel: 'email', status: 'pending', attempts: 0, next_ms: now, detail: null }
          : { channel: 'email', status: 'not_configured', attempts: 0, next_ms: null, detail: NOT_CONFIGURED },
      );
    }
    if (alert.webhook_url) out.push({ channel: 'webhook', status: 'pending', attempts: 0, next_ms: now, detail: null });
    return out;
  }

  /** Starts the pending deliveries due at `now`, up to DELIVERY_CONCURRENCY at a time. */
  deliverDue(now: number): void {
    const free = DELIVERY_CONCURRENCY - this.inFlight.size;
    if (free <= 0 || this.deps.webhook.signal?.aborted) return;
    const due = this.deps.store.alerts.dueDeliveries(now, free + this.inFlight.size).filter((d) => !this.inFlight.has(`${d.run_id}:${d.channel}`));
    for (const d of due.slice(0, free)) {
      const key = `${d.run_id}:${d.channel}`;
      const job = this.deliver(d.run_id, d.channel, d.attempts, now)
        .catch((e: Error) => this.deps.log.error(`alerts: BUG: delivery ${key} threw: ${e.stack ?? e.message}`))
        .finally(() => {
          this.inFlight.delete(key);
          this.deliverDue(this.deps.clock());
        });
      this.inFlight.set(key, job);
    }
  }

  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()]);
  }

  private async deliver(runId: number, channel: Channel, attempts: number, now: number): Promise<void> {
    const { store, log } = this.deps;
    const run = store.alerts.run(runId);
    const alert = run && store.alerts.find(run.alert_id);
    const search = alert && store.searches.find(alert.search_id);
    if (!run || !alert || !search) {
      store.alerts.updateDelivery(runId, channel, { status: 'failed', attempts, next_ms: null, detail: 'the alert or its saved search was deleted' }, now);
      return;
    }
    // Sent to the recipients and webhook the alert has now; they may have been removed since it fired.
    if (channel === 'email' ? !alert.email_to.length : !alert.webhook_url) {
      store.alerts.updateDelivery(runId, channel, { status: 'failed', attempts, next_ms: null, detail: `the alert no longer has ${channel === 'email' ? 'email recipients' : 'a webhook'}` }, now);
      return;
    }
    const compiled = compileQuery(this.deps.store, run.query, run.group_id);
    const limit = channel === 'email' ? EMAIL_EVENTS_MAX : WEBHOOK_EVENTS_MAX;
    const wantEvents = run.matched !== null && run.matched > 0 && !(channel === 'webhook' && alert.webhook_counts_only);
    const page = 'filter' in compiled && wantEvents ? store.windows.events(compiled.filter, run.after_id, run.through_id, limit) : { events: [], complete: true };
    const notice = this.notice(alert, search, run, page.events);
    if (channel === 'email') {
      try {
        const answer = await this.deps.mailer.send(alert.email_to, renderEmail(notice));
        store.alerts.updateDelivery(runId, channel, { status: 'sent', attempts: attempts + 1, next_ms: null, detail: answer }, this.deps.clock());
      } catch (e) {
        const delays = this.deps.emailRetryDelaysMs;
        const delay = delays[attempts];
        const message = (e as Error).message;
        log.warn(`alert ${alert.id}: ${message}${delay === undefined ? '; giving up' : `; retrying in ${Math.round(delay / 1000)} s`}`);
        const status = delay === undefined ? 'failed' : 'pending';
        store.alerts.updateDelivery(runId, channel, { status, attempts: attempts + 1, next_ms: delay === undefined ? null : now + delay, detail: message }, this.deps.clock());
      }
      return;
    }
    const counts = alert.webhook_counts_only && 'filter' in compiled ? store.windows.countsBySender(compiled.filter, run.after_id, run.through_id, countsBucketS(run)) : undefined;
    const payload = webhookPayload(notice, { counts, reachedRecordLimit: !counts && !page.complete });
    const result = await postWebhook(alert.webhook_url!, formBody(payload), alert.webhook_secret, this.deps.webhook);
    if (result.aborted) return; // shutdown: stays pending, resumed at the next start
    if (!result.ok) log.warn(`alert ${alert.id}: ${result.detail}`);
    store.alerts.updateDelivery(runId, channel, { status: result.ok ? 'sent' : 'failed', attempts: attempts + result.attempts, next_ms: null, detail: result.detail }, this.deps.clock());
  }

  private notice(alert: AlertRow, search: { id: number; name: string }, run: RunRow, events: Event[]): NoticeInput {
    return {
      publicUrl: this.deps.publicUrl,
      search: { id: search.id, name: search.name, query: run.query, group_id: run.group_id },
      alert: { id: alert.id, frequency: alert.frequency, timezone: alert.timezone, condition: alert.condition },
      run: { ranMs: run.ran_ms, afterId: run.after_id, throughId: run.through_id, sinceMs: run.since_ms, late: run.late, matched: run.matched ?? 0, test: run.kind === 'test' },
      events,
    };
  }

  /**
   * "Send test": delivers the latest matches of the search (or a sample event) to the alert's
   * recipients and webhook now, one attempt each, and records it as a test run. The cursor is not
   * touched. Undefined when there is no such alert.
   */
  async sendTest(alertId: number, now: number): Promise<RunRow | undefined> {
    const { store } = this.deps;
    const alert = store.alerts.find(alertId);
    const search = alert && store.searches.find(alert.search_id);
    if (!alert || !search) return undefined;
    const compiled = compileQuery(this.deps.store, search.query, search.group_id);
    const cutoff = store.windows.highestId();
    let events: Event[] = [];
    if ('filter' in compiled) {
      const deadline = performance.now() + TEST_SEARCH_BUDGET_MS;
      events = store.searcher.page({ filter: compiled.filter, maxId: cutoff + 1, direction: 'newest', limit: EMAIL_EVENTS_MAX, deadlineMs: deadline, now: () => performance.now() }).events;
    }
    const run: RunRow = {
      id: 0,
      alert_id: alert.id,
      kind: 'test',
      ran_ms: now,
      after_id: events.length ? Number(events[0]!.id) - 1 : cutoff,
      through_id: events.length ? Number(events.at(-1)!.id) : cutoff,
      since_ms: now,
      late: false,
      query: search.query,
      group_id: search.group_id,
      matched: events.length,
      fired: true,
      error: 'error' in compiled ? compiled.error : null,
      deliveries: [],
    };
    const notice = this.notice(alert, search, run, events.length ? events : [sampleEvent(now)]);
    if (alert.email_to.length) {
      if (!this.deps.mailer.configured) run.deliveries.push({ channel: 'email', status: 'not_configured', attempts: 0, next_ms: null, detail: NOT_CONFIGURED });
      else {
        try {
          const answer = await this.deps.mailer.send(alert.email_to, renderEmail(notice));
          run.deliveries.push({ channel: 'email', status: 'sent', attempts: 1, next_ms: null, detail: answer });
        } catch (e) {
          run.deliveries.push({ channel: 'email', status: 'failed', attempts: 1, next_ms: null, detail: (e as Error).message });
        }
      }
    }
    if (alert.webhook_url) {
      const counts = alert.webhook_counts_only && 'filter' in compiled ? store.windows.countsBySender(compiled.filter, run.after_id, run.through_id, 1) : undefined;
      const body = formBody(webhookPayload(notice, { counts, reachedRecordLimit: false }));
      const r = await postWebhook(alert.webhook_url, body, alert.webhook_secret, { ...this.deps.webhook, delaysMs: [] });
      run.deliveries.push({ channel: 'webhook', status: r.ok ? 'sent' : 'failed', attempts: r.attempts, next_ms: null, detail: r.detail });
    }
    const { id: _unused, deliveries, ...record } = run;
    const [id] = store.alerts.commitRuns([{ run: record, deliveries, advance: false }]);
    return id === undefined ? undefined : store.alerts.run(id);
  }
}

/** Per-second series for windows up to an hour, per-minute beyond (a late or daily window). */
function countsBucketS(run: { ran_ms: number; since_ms: number }): number {
  return run.ran_ms - run.since_ms > 3_600_000 ? 60 : 1;
}

/** What a test shows when nothing stored matches the search yet. */
function sampleEvent(now: number): Event {
  const at = new Date(now).toISOString();
  return {
    id: '0',
    received_at: at,
    generated_at: null,
    display_received_at: at,
    source_ip: '127.0.0.1',
    source_id: 0,
    source_name: 'driftwood',
    hostname: 'driftwood',
    program: 'alerts',
    severity: 'Info',
    facility: 'User',
    message: 'This is a sample event: no stored event matches this search yet.',
    fields: {},
    flags: [],
  };
}
