// GET /api/v1/server.json: the settings screen's read-only view of the server (issue 12). Members
// may read it, since the sources screen's instructions need the ports; the data directory, a path
// on the server's disk, is shown to admins only.
import type { FastifyInstance } from 'fastify';
import type { ServerInfo } from '../../../shared/api.ts';
import type { Config } from '../../config.ts';
import { CounterRate, type Metrics } from '../../metrics.ts';
import type { Store } from '../../store/index.ts';
import { VERSION } from '../../version.ts';

export interface ServerInfoOptions {
  config: Readonly<Config>;
  store: Store;
  metrics: Metrics;
  /** The ports the syslog listeners are bound to (main.ts), when they differ from the config's (port 0). */
  listening?: { syslogPort?: number; syslogTlsPort?: number };
}

export async function serverInfoRoutes(app: FastifyInstance, opts: ServerInfoOptions): Promise<void> {
  const { config, store } = opts;
  const ingest = new CounterRate(opts.metrics, 'driftwood_events_stored_total');
  app.addHook('onClose', async () => ingest.stop());
  const syslogPort = opts.listening?.syslogPort ?? (config.syslogPort === 0 ? null : config.syslogPort);
  const tlsOn = Boolean(config.tlsCert && config.tlsKey);
  const syslogTlsPort = tlsOn ? (opts.listening?.syslogTlsPort ?? config.syslogTlsPort) : null;

  app.get('/api/v1/server.json', async (request): Promise<ServerInfo> => {
    const info: ServerInfo = {
      version: VERSION,
      public_url: config.publicUrl,
      retention_days: config.retentionDays,
      max_disk_mb: config.maxDiskMb ?? null,
      disk_used_bytes: store.bytesOnDisk(),
      oldest_day: store.partitions.days().at(-1) ?? null,
      ingest_rate: Math.round(ingest.perSecond() * 10) / 10,
      syslog_port: syslogPort,
      syslog_tls_port: syslogTlsPort,
      https: Boolean(config.httpTlsCert && config.httpTlsKey),
      smtp_configured: Boolean(config.smtpUrl),
    };
    if (request.principal?.user.role === 'admin') info.data_dir = config.dataDir;
    return info;
  });
}
