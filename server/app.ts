// buildApp(deps): the Fastify instance with every route; it never listens, so tests use inject().
import helmet from 'helmet';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from './config.ts';
import { AppError } from './errors.ts';
import { drainRoutes } from './ingest/drain.ts';
import type { Pipeline } from './ingest/pipeline.ts';
import type { Logger } from './log.ts';
import { BUCKETS, type Metrics } from './metrics.ts';
import type { Audit } from './security/audit.ts';
import type { Store } from './store/index.ts';
import { defaultAccess, installAuth, type Access } from './http/auth.ts';
import { drainAdminRoutes } from './http/routes/drains.ts';
import { sessionRoutes } from './http/routes/session.ts';
import { setupRoutes } from './http/routes/setup.ts';
import { tokenRoutes } from './http/routes/tokens.ts';
import { userRoutes } from './http/routes/users.ts';
import { eventRoutes } from './http/routes/events.ts';
import { systemRoutes } from './http/routes/systems.ts';
import { groupRoutes } from './http/routes/groups.ts';
import { staticRoutes } from './http/static.ts';
import { alertRoutes } from './http/routes/alerts.ts';
import { searchRoutes } from './http/routes/searches.ts';
import { searchOverviewRoutes } from './http/routes/search-overview.ts';
import { serverInfoRoutes } from './http/routes/server-info.ts';
import { integrityRoutes } from './http/routes/integrity.ts';
import { redactionRoutes } from './http/routes/redactions.ts';
import { createMailer } from './alerts/email.ts';
import { AlertEngine } from './alerts/run.ts';
import { closeAllTails, tailRoutes, TAIL_CLIENT_MESSAGE_MAX } from './http/routes/tail.ts';
import { startTailHub, type TailHub } from './tail/hub.ts';

export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  pipeline: Pipeline;
  metrics: Metrics;
  log: Logger;
  audit: Audit;
  now: () => number;
  webRoot: string;
  https?: { cert: Buffer; key: Buffer };
  /** The one-time code for POST /api/v1/setup, printed at start while no user exists. */
  setupCode?: string;
  /** The live tail hub, fed by pipeline.onCommit (main.ts); without one, buildApp makes its own. */
  hub?: TailHub;
  /** Alert runs and deliveries (main.ts); without one, buildApp makes one that no scheduler drives. */
  alerts?: AlertEngine;
  /** The ports the syslog listeners are bound to (main.ts): what the settings screen shows. */
  listening?: { syslogPort?: number; syslogTlsPort?: number };
}

const API_BODY_LIMIT_BYTES = 256 * 1024; // JSON API bodies are small; drains have their own limit
/** Routes whose latency is the search latency people feel (driftwood_search_duration_seconds). */
const SEARCH_ROUTES = new Set(['/api/v1/events/search.json', '/api/v1/events/histogram.json', '/api/v1/events/facets.json']);

/**
 * The headers a helmet middleware sets, once: ours has no per-request parts (no CSP nonces), so
 * every response gets the same ones.
 */
function staticHeaders(middleware: ReturnType<typeof helmet>): [string, string][] {
  const headers: [string, string][] = [];
  const response = { setHeader: (name: string, value: unknown) => headers.push([name, String(value)]), removeHeader: () => {} };
  let called = false;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, (err) => {
    if (err) throw err;
    called = true;
  });
  if (!called) throw new Error('BUG: helmet did not finish synchronously');
  return headers;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Fastify logs through Driftwood's pino logger, but not each request: drains send hundreds a
    // second, and their URLs carry the drain token.
    ...(deps.log.pino ? { loggerInstance: deps.log.pino, logController: new LogController({ disableRequestLogging: true }) } : { logger: false }),
    bodyLimit: API_BODY_LIMIT_BYTES,
    trustProxy: deps.config.trustProxy,
    https: deps.https ?? null,
    // Heroku sends batches over keep-alive connections; keep them open longer than its pool does.
    keepAliveTimeout: 65_000,
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    if (error instanceof AppError) return reply.code(error.status).send({ message: error.message });
    const status = error.statusCode ?? 500;
    if (status >= 500) deps.log.error(`${request.method} ${request.url.split('?')[0]}: ${error.stack ?? error.message}`);
    return reply.code(status).send({ message: status >= 500 ? 'internal error: see the server log' : error.message });
  });

  // Security headers (helmet), on every response. Computed once: @fastify/helmet built helmet's
  // middleware again for each request, parsing the CSP directives every time (0.1 ms a request),
  // and running its dozen middleware functions per request cost more than setting their headers.
  const securityHeaders = staticHeaders(helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"], baseUri: ["'self'"] },
    },
    strictTransportSecurity: deps.https ? { maxAge: 31_536_000 } : false,
  }));
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
    done();
  });

  // Before any route: every route registered below is checked (default access: member).
  const auth = await installAuth(app, { store: deps.store, audit: deps.audit, metrics: deps.metrics, now: deps.now, publicUrl: deps.config.publicUrl });
  /** Registers a plugin whose routes default to `access`. */
  const scoped = (access: Access, register: (scope: FastifyInstance) => PromiseLike<unknown>) =>
    app.register(async (scope) => {
      defaultAccess(scope, access);
      await register(scope);
    });

  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/metrics', { config: { access: deps.config.metricsPublic ? 'public' : 'member' } }, async (_request, reply) =>
    reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  );
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route && SEARCH_ROUTES.has(route)) {
      deps.metrics.observe('driftwood_search_duration_seconds', 'time to answer a search, histogram or facets request, by route', BUCKETS.search, reply.elapsedTime / 1000, { route: route.slice(route.lastIndexOf('/') + 1) });
    }
  });

  await app.register(setupRoutes, { ctx: auth, setupCode: deps.setupCode });
  await app.register(sessionRoutes, auth);
  await app.register(userRoutes, auth);
  await app.register(tokenRoutes, auth);
  // Drains carry their own token in the URL (ingest/drain.ts): public to the session guard.
  await scoped('public', (scope) => scope.register(drainRoutes, { store: deps.store, pipeline: deps.pipeline, metrics: deps.metrics, log: deps.log, audit: deps.audit, maxMessageBytes: deps.config.maxMessageBytes, timeZone: deps.config.timeZone, now: deps.now }));
  await app.register(eventRoutes, { store: deps.store, now: deps.now });
  await app.register(websocket, {
    options: { maxPayload: TAIL_CLIENT_MESSAGE_MAX },
    preClose(done) {
      closeAllTails(this.websocketServer.clients);
      this.websocketServer.close(() => done());
    },
  });
  let hub = deps.hub;
  if (!hub) {
    const own = startTailHub(deps.pipeline, deps.metrics, deps.log);
    app.addHook('onClose', async () => own.stop());
    hub = own.hub;
  }
  await app.register(tailRoutes, { store: deps.store, hub, log: deps.log, now: deps.now });
  await app.register(systemRoutes, { store: deps.store, now: deps.now });
  await app.register(groupRoutes, { store: deps.store, now: deps.now });
  const alerts = deps.alerts ?? new AlertEngine({ store: deps.store, log: deps.log, now: deps.now, publicUrl: deps.config.publicUrl, mailer: createMailer({ smtpUrl: deps.config.smtpUrl, from: deps.config.mailFrom }) });
  await app.register(searchRoutes, { store: deps.store, publicUrl: deps.config.publicUrl, now: deps.now });
  await app.register(searchOverviewRoutes, { store: deps.store, publicUrl: deps.config.publicUrl, now: deps.now });
  await app.register(alertRoutes, { store: deps.store, engine: alerts, publicUrl: deps.config.publicUrl, now: deps.now });
  await app.register(serverInfoRoutes, { config: deps.config, store: deps.store, metrics: deps.metrics, listening: deps.listening });
  await app.register(integrityRoutes, { store: deps.store });
  await scoped('admin', (scope) => scope.register(redactionRoutes, { store: deps.store, audit: deps.audit, now: deps.now }));
  await scoped('admin', (scope) => scope.register(drainAdminRoutes, { store: deps.store, publicUrl: deps.config.publicUrl, now: deps.now }));
  // The UI's files and SPA fallback: the sign-in page must load for anonymous browsers.
  await scoped('public', (scope) => scope.register(staticRoutes, { root: deps.webRoot }));
  return app;
}
