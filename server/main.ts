// The composition root (STYLE 11): open the store, start the pipeline, the syslog listeners and the
// HTTP server, each step logged with its duration; on shutdown the same steps run in reverse.
import { readFileSync } from 'node:fs';
import type { Socket as UdpSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { allowList } from './ingest/allow.ts';
import { Pipeline } from './ingest/pipeline.ts';
import { startTcp } from './ingest/tcp.ts';
import { startUdp } from './ingest/udp.ts';
import type { Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { createAudit } from './security/audit.ts';
import { newSetupCode } from './security/secrets.ts';
import { openStore, ThreadedWriter, type Store } from './store/index.ts';
import { enforceRetention } from './store/retention.ts';
import { archiveFinishedDays } from './store/archive.ts';
import { createMailer } from './alerts/email.ts';
import { AlertEngine } from './alerts/run.ts';
import { startScheduler } from './alerts/scheduler.ts';
import type { WebhookOptions } from './alerts/webhook.ts';
import { internalAllowed } from './alerts/egress.ts';
import { startTailHub } from './tail/hub.ts';
import { loadKeys } from './integrity/checkpoint.ts';
import { startHeadExport } from './integrity/export.ts';

export interface RunningServer {
  store: Store;
  pipeline: Pipeline;
  metrics: Metrics;
  /** Alert rounds, deliveries and tests (runDue(now), settled()). */
  alerts: AlertEngine;
  httpPort: number;
  syslogPort?: number;
  syslogTlsPort?: number;
  url: string;
  /** Set while no user exists: the one-time code for POST /api/v1/setup (printed by `serve`). */
  setupCode?: string;
  /** Stops accepting on every listener at once, then answers what is in flight, commits what is
   *  queued and closes the rest in reverse order of starting, the store last. */
  close(): Promise<void>;
  /** While close() runs: the parts not yet stopped (logged if shutdown overruns its deadline). */
  stillStopping(): string[];
}

const RETENTION_INTERVAL_MS = 3_600_000; // days expire at midnight UTC; an hour late is fine
const WEB_ROOT = fileURLToPath(new URL('../web/dist/', import.meta.url));

export interface StartOptions {
  now?: () => number;
  /** Tests: syslog port 0 means "any free port" instead of "off". */
  ephemeralSyslog?: boolean;
  /** Alerts: the scheduler's cron expression (tests: '* * * * * *' ticks every second), or false
   *  for none (tests call alerts.runDue(now) themselves); webhook retry delays; email retry delays. */
  alerts?: { tick?: string | false; webhook?: Partial<WebhookOptions>; emailRetryDelaysMs?: number[] };
}

export async function startServer(config: Readonly<Config>, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  // `listener`: accepts connections; all of them stop together, before anything else stops.
  const stops: { name: string; stop: () => Promise<void> | void; listener?: boolean }[] = [];
  const step = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const result = await run();
    log.info(`${name} in ${(performance.now() - started).toFixed(0)} ms`);
    return result;
  };
  try {
    const store = await step(`opened store at ${config.dataDir}`, () => openStore(config.dataDir));
    stops.push({ name: 'store', stop: () => store.close() });
    // Checkpoints of the hash chain are signed with this key; note its public half (docs/SECURITY.md).
    const keys = loadKeys(config.dataDir);
    log.info(`integrity: checkpoints are signed with public key ${keys.publicText}`);
    if (config.headExport) {
      const headExport = startHeadExport({ target: config.headExport, keys, head: () => store.head(), log, now });
      stops.push({ name: 'head export', stop: () => headExport.stop() });
    }
    const metrics = new Metrics();
    const writer = await step('started writer thread', () => ThreadedWriter.start(config.dataDir, store.systems));
    stops.push({ name: 'writer thread', stop: () => writer.close() });
    const pipeline = new Pipeline(writer, metrics, log);
    stops.push({ name: 'pipeline', stop: () => pipeline.close() });
    const tail = startTailHub(pipeline, metrics, log);
    stops.push({ name: 'live tail', stop: () => tail.stop() });
    const audit = createAudit(pipeline, log, now);
    const retention = () => {
      const removed = enforceRetention(store.partitions, config, now());
      if (removed.length) log.info(`retention: deleted the events of ${removed.join(', ')}`);
    };
    await step('applied retention', retention);
    // Archives of finished days, in the background (also those a crash cut short); retention
    // deletes a day only once its archive is complete, so it runs again after each round.
    let archiving: Promise<void> | undefined;
    const archive = (dir: string) =>
      (archiving ??= archiveFinishedDays(store.partitions, (id) => store.systems.nameOf(id), dir, now())
        .then((days) => days.length && log.info(`archive: wrote ${days.join(', ')} to ${dir}`))
        .catch((e: Error) => log.error(`cannot archive into ${dir}: ${e.message}`))
        .then(retention)
        .finally(() => (archiving = undefined)));
    const { archiveDir } = config;
    if (archiveDir) void archive(archiveDir);
    const retentionTimer = setInterval(() => (archiveDir ? void archive(archiveDir) : retention()), RETENTION_INTERVAL_MS).unref();
    stops.push({
      name: 'retention and archiving',
      stop: async () => {
        clearInterval(retentionTimer);
        await archiving; // an archive cut short (kill) is written again at the next start
      },
    });
    // Alerts read committed events only; stopped before the store closes.
    const alerts = new AlertEngine({ store, log, metrics, now, publicUrl: config.publicUrl, mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }), webhook: { ...options.alerts?.webhook, internalAllowed: internalAllowed(config.webhookAllow) }, emailRetryDelaysMs: options.alerts?.emailRetryDelaysMs, indexNow: () => writer.indexNow() });
    const tick = options.alerts?.tick;
    if (tick === false) stops.push({ name: 'alerts', stop: () => alerts.stop() });
    else {
      const scheduler = await step('started alert scheduler', () => startScheduler(alerts, log, now, tick));
      stops.push({ name: 'alert scheduler', stop: () => scheduler.stop() });
    }
    const ctx = { pipeline, store, metrics, log, audit, allow: allowList(config.syslogAllow), maxMessageBytes: config.maxMessageBytes, timeZone: config.timeZone, now };

    let syslogPort: number | undefined;
    if (config.syslogPort !== 0 || options.ephemeralSyslog) {
      const tcp = await step('started syslog TCP', () => startTcp(ctx, { host: config.syslogHost, port: config.syslogPort }));
      stops.push({ name: 'syslog TCP', stop: () => tcp.close(), listener: true });
      syslogPort = tcp.port;
      const udp = await step('started syslog UDP', () => startUdp(ctx, config.syslogHost, tcp.port));
      stops.push({ name: 'syslog UDP', stop: () => closeUdp(udp), listener: true });
    }
    let syslogTlsPort: number | undefined;
    if (config.tlsCert && config.tlsKey) {
      const tls = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
      const server = await step('started syslog TLS', () => startTcp(ctx, { host: config.syslogHost, port: config.syslogTlsPort, tls }));
      stops.push({ name: 'syslog TLS', stop: () => server.close(), listener: true });
      syslogTlsPort = server.port;
    }

    const https = config.httpTlsCert && config.httpTlsKey ? { cert: readFileSync(config.httpTlsCert), key: readFileSync(config.httpTlsKey) } : undefined;
    // First run: only someone who can read the server's output may create the first admin.
    const setupCode = store.users.count() === 0 ? newSetupCode() : undefined;
    const app = await buildApp({ config, store, pipeline, metrics, log, audit, now, webRoot: WEB_ROOT, https, setupCode, hub: tail.hub, alerts, listening: { syslogPort, syslogTlsPort } });
    await step('started HTTP', () => app.listen({ host: config.httpHost, port: config.httpPort }));
    stops.push({ name: 'HTTP', stop: () => closeHttp(app), listener: true });
    const httpPort = (app.server.address() as { port: number }).port;
    const shownHost = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? 'localhost' : config.httpHost;
    const url = `${https ? 'https' : 'http'}://${shownHost}:${httpPort}`;

    const running = new Set<string>();
    let closing: Promise<void> | undefined;
    const stopOne = async (s: (typeof stops)[number]) => {
      await step(`stopped ${s.name}`, s.stop);
      running.delete(s.name);
    };
    const close = () =>
      (closing ??= (async () => {
        const order = stops.reverse();
        for (const s of order) running.add(s.name);
        await Promise.all(order.filter((s) => s.listener).map(stopOne));
        for (const s of order.filter((s) => !s.listener)) await stopOne(s);
      })());
    return { store, pipeline, metrics, alerts, httpPort, syslogPort, syslogTlsPort, url, setupCode, close, stillStopping: () => [...running] };
  } catch (e) {
    for (const s of stops.reverse()) await s.stop();
    throw e;
  }
}

const IDLE_SWEEP_MS = 100; // during shutdown, how soon a connection that turns idle is closed

/** Fastify's close answers requests in flight (drains get their 204 once committed), answers 503
 *  to new ones on kept-alive connections, and closes live tails with 1001 (routes/tail.ts). */
async function closeHttp(app: FastifyInstance): Promise<void> {
  // Node's server.close() closes the idle keep-alive connections once; a connection whose request
  // was in flight turns idle later and would hold close() for the 65 s keep-alive timeout.
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}
