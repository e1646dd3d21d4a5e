// A read-only view of the server (GET /api/v1/server.json): version, data directory (admins),
// retention, disk used and the oldest day kept, ingest rate, ports, and the public URL that
// emails and drain URLs use.
import type { ServerInfo } from '../../../shared/api.ts';
import { useApi } from '../hooks/useApi.ts';
import { count } from '../lib/count.ts';
import { ErrorText } from './ErrorText.tsx';

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 || n >= 100 ? 0 : 1)} ${units[i]}`;
}

export function ServerPanel() {
  const info = useApi<ServerInfo>('/api/v1/server.json');
  const s = info.data;
  return (
    <section className="card" aria-label="Server">
      <div className="card-head">
        <h2>Server</h2>
        <span className="muted small">set by environment variables at start (driftwood serve --help)</span>
      </div>
      <ErrorText message={info.error} />
      {s && (
        <dl className="facts">
          <dt>Version</dt>
          <dd>{s.version}</dd>
          <dt>Public URL</dt>
          <dd>
            <code>{s.public_url}</code> <span className="muted">— links in emails and drain URLs (DRIFTWOOD_PUBLIC_URL)</span>
          </dd>
          {s.data_dir !== undefined && (
            <>
              <dt>Data directory</dt>
              <dd>
                <code>{s.data_dir}</code>
              </dd>
            </>
          )}
          <dt>Retention</dt>
          <dd>
            {count(s.retention_days)} days{s.max_disk_mb !== null && <>, at most {count(s.max_disk_mb)} MB</>}
          </dd>
          <dt>Disk used</dt>
          <dd>
            {bytes(s.disk_used_bytes)}
            {s.oldest_day && <span className="muted"> · oldest day kept {s.oldest_day}</span>}
          </dd>
          <dt>Ingest rate</dt>
          <dd>{s.ingest_rate.toLocaleString(undefined, { maximumFractionDigits: 1 })} lines/s <span className="muted">over the last minute</span></dd>
          <dt>Syslog</dt>
          <dd>
            {s.syslog_port === null ? 'off' : <>UDP and TCP port {s.syslog_port}</>}
            {s.syslog_tls_port !== null && <>, TLS port {s.syslog_tls_port}</>}
          </dd>
          <dt>Web</dt>
          <dd>{s.https ? 'HTTPS' : 'HTTP (put a TLS proxy in front when it faces the internet)'}</dd>
          <dt>Alert email</dt>
          <dd>{s.smtp_configured ? 'SMTP configured' : <span className="warn">no SMTP server (DRIFTWOOD_SMTP_URL): alerts can only use webhooks</span>}</dd>
        </dl>
      )}
    </section>
  );
}
