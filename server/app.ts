// buildApp(deps): the Fastify instance with every route; it never listens, so tests use inject().
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { AppError } from './errors.ts';
import { drainRoutes } from './ingest/drain.ts';
import type { Pipeline } from './ingest/pipeline.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import type { Audit } from './security/audit.ts';
import type { Store } from './store/index.ts';
import { drainAdminRoutes } from './http/routes/drains.ts';
import { eventRoutes } from './http/routes/events.ts';
import { systemRoutes } from './http/routes/systems.ts';
import { staticRoutes } from './http/static.ts';

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
}

const API_BODY_LIMIT_BYTES = 256 * 1024; // JSON API bodies are small; drains have their own limit

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
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

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"], baseUri: ["'self'"] },
    },
    hsts: deps.https ? { maxAge: 31_536_000 } : false,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(deps.metrics.render()));

  await app.register(drainRoutes, { store: deps.store, pipeline: deps.pipeline, metrics: deps.metrics, log: deps.log, audit: deps.audit, maxMessageBytes: deps.config.maxMessageBytes, timeZone: deps.config.timeZone, now: deps.now });
  await app.register(eventRoutes, { store: deps.store, now: deps.now });
  await app.register(systemRoutes, { store: deps.store });
  await app.register(drainAdminRoutes, { store: deps.store, publicUrl: deps.config.publicUrl, now: deps.now });
  await app.register(staticRoutes, { root: deps.webRoot });
  return app;
}
