// The composition root (STYLE 11): open the store, start the pipeline, the syslog listeners and the
// HTTP server, each step logged with its duration; on shutdown the same steps run in reverse.
import { readFileSync } from 'node:fs';
import type { Socket as UdpSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
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
import { createMailer } from './alerts/email.ts';
import { AlertEngine } from './alerts/run.ts';
import { startScheduler } from './alerts/scheduler.ts';
import type { WebhookOptions } from './alerts/webhook.ts';
import { internalAllowed } from './alerts/egress.ts';
import { startTailHub } from './tail/hub.ts';

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
  close(): Promise<void>;
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
  const stops: { name: string; stop: () => Promise<void> | void }[] = [];
  const step = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const result = await run();
    log.info(`${name} in ${(performance.now() - started).toFixed(0)} ms`);
    return result;
  };
  try {
    const store = await step(`opened store at ${config.dataDir}`, () => openStore(config.dataDir));
    stops.push({ name: 'store', stop: () => store.close() });
    const metrics = new Metrics();
    const writer = await step('started writer thread', () => ThreadedWriter.start(config.dataDir, store.systems));
    stops.push({ name: 'writer thread', stop: () => writer.close() });
    const pipeline = new Pipeline(writer, metrics);
    stops.push({ name: 'pipeline', stop: () => pipeline.close() });
    const tail = startTailHub(pipeline, metrics, log);
    stops.push({ name: 'live tail', stop: () => tail.stop() });
    const audit = createAudit(pipeline, log, now);
    const retention = () => {
      const removed = enforceRetention(store.partitions, config, now());
      if (removed.length) log.info(`retention: deleted the events of ${removed.join(', ')}`);
    };
    await step('applied retention', retention);
    const retentionTimer = setInterval(retention, RETENTION_INTERVAL_MS).unref();
    stops.push({ name: 'retention', stop: () => clearInterval(retentionTimer) });
    // Alerts read committed events only; stopped before the store closes.
    const alerts = new AlertEngine({ store, log, now, publicUrl: config.publicUrl, mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }), webhook: { ...options.alerts?.webhook, internalAllowed: internalAllowed(config.webhookAllow) }, emailRetryDelaysMs: options.alerts?.emailRetryDelaysMs, indexNow: () => writer.indexNow() });
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
      stops.push({ name: 'syslog TCP', stop: () => tcp.close() });
      syslogPort = tcp.port;
      const udp = await step('started syslog UDP', () => startUdp(ctx, config.syslogHost, tcp.port));
      stops.push({ name: 'syslog UDP', stop: () => closeUdp(udp) });
    }
    let syslogTlsPort: number | undefined;
    if (config.tlsCert && config.tlsKey) {
      const tls = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
      const server = await step('started syslog TLS', () => startTcp(ctx, { host: config.syslogHost, port: config.syslogTlsPort, tls }));
      stops.push({ name: 'syslog TLS', stop: () => server.close() });
      syslogTlsPort = server.port;
    }

    const https = config.httpTlsCert && config.httpTlsKey ? { cert: readFileSync(config.httpTlsCert), key: readFileSync(config.httpTlsKey) } : undefined;
    // First run: only someone who can read the server's output may create the first admin.
    const setupCode = store.users.count() === 0 ? newSetupCode() : undefined;
    const app = await buildApp({ config, store, pipeline, metrics, log, audit, now, webRoot: WEB_ROOT, https, setupCode, hub: tail.hub, alerts, listening: { syslogPort, syslogTlsPort } });
    await step('started HTTP', () => app.listen({ host: config.httpHost, port: config.httpPort }));
    stops.push({ name: 'HTTP', stop: () => app.close() });
    const httpPort = (app.server.address() as { port: number }).port;
    const shownHost = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? 'localhost' : config.httpHost;
    const url = `${https ? 'https' : 'http'}://${shownHost}:${httpPort}`;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        for (const s of stops.reverse()) await step(`stopped ${s.name}`, s.stop);
      })());
    return { store, pipeline, metrics, alerts, httpPort, syslogPort, syslogTlsPort, url, setupCode, close };
  } catch (e) {
    for (const s of stops.reverse()) await s.stop();
    throw e;
  }
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}
