// GET/POST/PUT/DELETE /api/v1/alerts[/:id].json (DESIGN 6), GET /api/v1/alerts/:id/history.json,
// POST /api/v1/alerts/:id/test.json (deliver a sample now), POST /api/v1/alerts/:id/secret.json
// (a new webhook secret) and POST /api/v1/alerts/starter.json { email } (the starter pack).
// The webhook secret is shown only by the POSTs that create it.
import type { FastifyInstance } from 'fastify';
import type { Alert, AlertHistoryResponse, AlertRun, AlertWithSecret, StarterResponse } from '../../../shared/api.ts';
import { checkAlertInput, checkEmails, unwrap } from '../../alerts/input.ts';
import { lateNote, links } from '../../alerts/render.ts';
import type { AlertEngine } from '../../alerts/run.ts';
import { installStarter } from '../../alerts/starter.ts';
import { appError } from '../../errors.ts';
import type { AlertInput, AlertRow, RunRow } from '../../store/alerts.ts';
import type { Store } from '../../store/index.ts';
import { ID_PARAMS } from './searches.ts';

const HISTORY_LIMIT_DEFAULT = 100;
const HISTORY_LIMIT_MAX = 1000;

export interface AlertRouteOptions {
  store: Store;
  engine: AlertEngine;
  publicUrl: string;
  now: () => number;
}

/** `search`: the alert's saved search when the caller has it (a list of 500 needs no lookups). */
export function alertView(a: AlertRow, store: Store, publicUrl: string, search?: { name: string; query: string }): Alert {
  const s = search ?? store.searches.find(a.search_id);
  return {
    id: a.id,
    search_id: a.search_id,
    search: { id: a.search_id, name: s?.name ?? '', query: s?.query ?? '' },
    frequency: a.frequency,
    condition: a.condition,
    email_to: a.email_to,
    webhook_url: a.webhook_url,
    webhook_counts_only: a.webhook_counts_only,
    timezone: a.timezone,
    enabled: a.enabled,
    last_run_at: new Date(a.last_run_ms).toISOString(),
    created_at: new Date(a.created_ms).toISOString(),
    updated_at: new Date(a.updated_ms).toISOString(),
    html_url: links.alert(publicUrl, a.id),
  };
}

export function runView(r: RunRow, timeZone: string): AlertRun {
  const note = r.error ? `${r.error}; the next run covers these events again` : lateNote({ late: r.late, sinceMs: r.since_ms, ranMs: r.ran_ms }, timeZone);
  return {
    id: r.id,
    alert_id: r.alert_id,
    kind: r.kind,
    ran_at: new Date(r.ran_ms).toISOString(),
    window: { after_id: String(r.after_id), through_id: String(r.through_id), since: new Date(r.since_ms).toISOString(), until: new Date(r.ran_ms).toISOString() },
    late: r.late,
    note,
    query: r.query,
    matched: r.matched,
    fired: r.fired,
    error: r.error,
    deliveries: r.deliveries.map((d) => ({ channel: d.channel, status: d.status, attempts: d.attempts, next_attempt_at: d.next_ms === null ? null : new Date(d.next_ms).toISOString(), detail: d.detail })),
  };
}

export async function alertRoutes(app: FastifyInstance, opts: AlertRouteOptions): Promise<void> {
  const { store, publicUrl } = opts;
  const found = (id: string) => store.alerts.find(Number(id)) ?? (() => { throw appError('NOT_FOUND', `no alert ${id}`); })();
  const cursor = () => ({ lastId: store.windows.highestId(), nowMs: opts.now() });
  const view = (a: AlertRow) => alertView(a, store, publicUrl);

  app.get<{ Querystring: { search_id?: string } }>('/api/v1/alerts.json', async (request): Promise<Alert[]> => {
    const raw = request.query.search_id;
    if (raw !== undefined && !/^\d{1,15}$/.test(raw)) throw appError('BAD_REQUEST', `search_id: "${raw}" is not an id`);
    return store.alerts.list(raw === undefined ? undefined : Number(raw)).map(view);
  });

  app.get<{ Params: { id: string } }>('/api/v1/alerts/:id.json', { schema: { params: ID_PARAMS } }, async (request): Promise<Alert> => view(found(request.params.id)));

  // A new alert's first window starts now (DESIGN 6).
  app.post('/api/v1/alerts.json', async (request, reply): Promise<AlertWithSecret> => {
    const input = checkAlertInput(store, request.body, false) as AlertInput;
    const alert = store.alerts.create(input, cursor());
    reply.code(201);
    return { ...view(alert), webhook_secret: alert.webhook_secret };
  });

  app.put<{ Params: { id: string } }>('/api/v1/alerts/:id.json', { schema: { params: ID_PARAMS } }, async (request): Promise<Alert> => {
    const alert = found(request.params.id);
    const change = checkAlertInput(store, request.body, true);
    return view(store.alerts.update(alert.id, change, cursor())!);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/alerts/:id.json', { schema: { params: ID_PARAMS } }, async (request, reply) => {
    if (!store.alerts.remove(found(request.params.id).id)) throw appError('NOT_FOUND', `no alert ${request.params.id}`);
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: string; before_id?: string } }>(
    '/api/v1/alerts/:id/history.json',
    { schema: { params: ID_PARAMS } },
    async (request): Promise<AlertHistoryResponse> => {
      const alert = found(request.params.id);
      const { limit: rawLimit, before_id: before } = request.query;
      if (rawLimit !== undefined && !/^\d{1,6}$/.test(rawLimit)) throw appError('BAD_REQUEST', `limit: "${rawLimit}" is not a whole number`);
      if (before !== undefined && !/^\d{1,15}$/.test(before)) throw appError('BAD_REQUEST', `before_id: "${before}" is not a run id`);
      const limit = Math.min(HISTORY_LIMIT_MAX, Math.max(1, Number(rawLimit ?? HISTORY_LIMIT_DEFAULT)));
      return { runs: store.alerts.history(alert.id, limit, before === undefined ? undefined : Number(before)).map((r) => runView(r, alert.timezone)) };
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/alerts/:id/test.json', { schema: { params: ID_PARAMS } }, async (request): Promise<AlertRun> => {
    const alert = found(request.params.id);
    if (!alert.email_to.length && !alert.webhook_url) throw appError('BAD_REQUEST', `alert ${alert.id} has no email recipients and no webhook: nothing to send`);
    const run = await opts.engine.sendTest(alert.id, opts.now());
    if (!run) throw appError('NOT_FOUND', `no alert ${request.params.id}`);
    return runView(run, alert.timezone);
  });

  app.post<{ Params: { id: string } }>('/api/v1/alerts/:id/secret.json', { schema: { params: ID_PARAMS } }, async (request): Promise<AlertWithSecret> => {
    const alert = store.alerts.rotateSecret(found(request.params.id).id, opts.now());
    if (!alert) throw appError('NOT_FOUND', `no alert ${request.params.id}`);
    return { ...view(alert), webhook_secret: alert.webhook_secret };
  });

  app.post('/api/v1/alerts/starter.json', async (request): Promise<StarterResponse> => {
    const body = unwrap(request.body, 'starter');
    const emails = checkEmails(body.email === undefined ? undefined : [body.email]);
    if (emails.length !== 1) throw appError('BAD_REQUEST', 'email: one address for the starter alerts, e.g. { "email": "oncall@example.com" }');
    return installStarter(store, emails[0]!, opts.now(), request.principal?.user.id);
  });
}
