// Every setting is an environment variable with a matching `driftwood serve --flag` (DESIGN 1).
// loadConfig() validates everything at once and reports one line per problem.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseExportTarget } from './integrity/export.ts';

export interface Config {
  dataDir: string;
  httpHost: string;
  httpPort: number;
  httpTlsCert?: string;
  httpTlsKey?: string;
  syslogHost: string;
  syslogPort: number;
  syslogTlsPort: number;
  tlsCert?: string;
  tlsKey?: string;
  publicUrl: string;
  retentionDays: number;
  maxDiskMb?: number;
  maxMessageBytes: number;
  smtpUrl?: string;
  mailFrom: string;
  syslogAllow: string[];
  webhookAllow: string[];
  metricsPublic: boolean;
  trustProxy: boolean;
  timeZone: string;
  headExport?: string;
  archiveDir?: string;
}

interface OptionSpec {
  key: keyof Config;
  env: string;
  flag: string;
  help: string;
  default?: string;
  secret?: boolean;
  parse: (raw: string) => { value: unknown } | { problem: string };
}

const port = (raw: string) => {
  const n = Number(raw);
  return /^\d+$/.test(raw) && n <= 65535 ? { value: n } : { problem: `"${raw}" is not a port (0-65535)` };
};
const positiveInt = (raw: string) => {
  const n = Number(raw);
  return /^\d+$/.test(raw) && n > 0 ? { value: n } : { problem: `"${raw}" is not a positive whole number` };
};
const text = (raw: string) => ({ value: raw });
const host = (raw: string) => (raw === 'localhost' || isIP(raw) ? { value: raw } : { problem: `"${raw}" is not an IP address or localhost` });
const readableFile = (raw: string) => {
  try {
    readFileSync(raw);
    return { value: raw };
  } catch (e) {
    return { problem: `cannot read "${raw}": ${(e as Error).message}` };
  }
};
const bool = (raw: string) =>
  /^(1|true|yes|on)$/i.test(raw) ? { value: true } : /^(0|false|no|off|)$/i.test(raw) ? { value: false } : { problem: `"${raw}" is not a boolean (1/0)` };
const url = (raw: string) => {
  try {
    const u = new URL(raw);
    return /^https?:$/.test(u.protocol) ? { value: raw.replace(/\/+$/, '') } : { problem: `"${raw}" is not an http(s) URL` };
  } catch {
    return { problem: `"${raw}" is not a URL` };
  }
};
const smtpUrl = (raw: string) => {
  try {
    const u = new URL(raw);
    return /^smtps?:$/.test(u.protocol) ? { value: raw } : { problem: `"${u.protocol}" is not smtp: or smtps:` };
  } catch {
    return { problem: 'is not a URL like smtp://user:pass@mail:587' };
  }
};
const cidrList = (raw: string) => {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((c) => {
    const [addr, bits, extra] = c.split('/');
    const family = isIP(addr ?? '');
    const max = family === 6 ? 128 : 32;
    return !family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max));
  });
  return bad.length ? { problem: `not CIDR: ${bad.join(', ')}` } : { value: items };
};
const exportTarget = (raw: string) => (parseExportTarget(raw) ? { value: raw } : { problem: `"${raw}" is not file:/absolute/path or an http(s) URL` });
const timeZone = (raw: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
    return { value: raw };
  } catch {
    return { problem: `"${raw}" is not an IANA time zone` };
  }
};

export const OPTIONS: OptionSpec[] = [
  { key: 'dataDir', env: 'DRIFTWOOD_DATA_DIR', flag: '--data-dir', default: './data', help: 'where the SQLite databases live', parse: text },
  { key: 'httpHost', env: 'DRIFTWOOD_HTTP_HOST', flag: '--http-host', default: '0.0.0.0', help: 'address for the UI, API and HTTPS drains', parse: host },
  { key: 'httpPort', env: 'DRIFTWOOD_HTTP_PORT', flag: '--http-port', default: '8080', help: 'port for the UI, API and HTTPS drains', parse: port },
  { key: 'httpTlsCert', env: 'DRIFTWOOD_HTTP_TLS_CERT', flag: '--http-tls-cert', help: 'PEM certificate: serve HTTPS instead of HTTP', parse: readableFile },
  { key: 'httpTlsKey', env: 'DRIFTWOOD_HTTP_TLS_KEY', flag: '--http-tls-key', help: 'PEM key for --http-tls-cert', parse: readableFile },
  { key: 'syslogHost', env: 'DRIFTWOOD_SYSLOG_HOST', flag: '--syslog-host', default: '0.0.0.0', help: 'address for syslog UDP/TCP/TLS', parse: host },
  { key: 'syslogPort', env: 'DRIFTWOOD_SYSLOG_PORT', flag: '--syslog-port', default: '5514', help: 'syslog UDP and TCP port (0 = off)', parse: port },
  { key: 'syslogTlsPort', env: 'DRIFTWOOD_SYSLOG_TLS_PORT', flag: '--syslog-tls-port', default: '6514', help: 'syslog over TLS (RFC 5425); on only with a cert and key', parse: port },
  { key: 'tlsCert', env: 'DRIFTWOOD_TLS_CERT', flag: '--tls-cert', help: 'PEM certificate for syslog TLS', parse: readableFile },
  { key: 'tlsKey', env: 'DRIFTWOOD_TLS_KEY', flag: '--tls-key', help: 'PEM key for syslog TLS', parse: readableFile },
  { key: 'publicUrl', env: 'DRIFTWOOD_PUBLIC_URL', flag: '--public-url', help: 'base URL used in links (emails, drain URLs); default http(s)://localhost:<http port>', parse: url },
  { key: 'retentionDays', env: 'DRIFTWOOD_RETENTION_DAYS', flag: '--retention-days', default: '365', help: 'days of events kept', parse: positiveInt },
  { key: 'maxDiskMb', env: 'DRIFTWOOD_MAX_DISK_MB', flag: '--max-disk-mb', help: 'optional cap on event storage; oldest days go first', parse: positiveInt },
  { key: 'maxMessageBytes', env: 'DRIFTWOOD_MAX_MESSAGE_BYTES', flag: '--max-message-bytes', default: '65536', help: 'longer messages are truncated and flagged', parse: positiveInt },
  { key: 'smtpUrl', env: 'DRIFTWOOD_SMTP_URL', flag: '--smtp-url', secret: true, help: 'SMTP server for alert mail, e.g. smtp://user:pass@mail:587', parse: smtpUrl },
  { key: 'mailFrom', env: 'DRIFTWOOD_MAIL_FROM', flag: '--mail-from', default: 'driftwood@localhost', help: 'From: address of alert mail', parse: text },
  { key: 'webhookAllow', env: 'DRIFTWOOD_WEBHOOK_ALLOW', flag: '--webhook-allow', default: '', help: 'comma-separated CIDRs of internal addresses alert webhooks may reach (default none)', parse: cidrList },
  { key: 'syslogAllow', env: 'DRIFTWOOD_SYSLOG_ALLOW', flag: '--syslog-allow', default: '', help: 'comma-separated CIDRs allowed to send syslog (empty = all)', parse: cidrList },
  { key: 'metricsPublic', env: 'DRIFTWOOD_METRICS_PUBLIC', flag: '--metrics-public', default: '0', help: 'serve /metrics without a token', parse: bool },
  { key: 'trustProxy', env: 'DRIFTWOOD_TRUST_PROXY', flag: '--trust-proxy', default: '0', help: 'trust X-Forwarded-For/-Proto from a reverse proxy', parse: bool },
  { key: 'headExport', env: 'DRIFTWOOD_HEAD_EXPORT', flag: '--head-export', help: 'every minute, a signed checkpoint of the hash chain head: file:/path (appended) or an http(s) URL (POST)', parse: exportTarget },
  { key: 'archiveDir', env: 'DRIFTWOOD_ARCHIVE_DIR', flag: '--archive-dir', help: 'each finished day as a gzip TSV (Papertrail archive layout) and a .sha256 here; retention waits for it', parse: text },
  { key: 'timeZone', env: 'DRIFTWOOD_TIME_ZONE', flag: '--time-zone', default: 'UTC', help: 'zone for sender timestamps that carry none (RFC 3164)', parse: timeZone },
];

export type ConfigResult = { ok: true; config: Readonly<Config> } | { ok: false; problems: string[] };

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(env: Record<string, string | undefined>, argv: string[]): ConfigResult {
  const problems: string[] = [];
  const flagValues = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = OPTIONS.find((o) => o.flag === name);
    if (!spec) {
      problems.push(`${arg}: unknown option (see driftwood serve --help)`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`${name}: needs a value`);
    else flagValues.set(spec.flag, value);
  }
  const config: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const raw = flagValues.get(spec.flag) ?? env[spec.env] ?? spec.default;
    if (raw === undefined || (raw === '' && spec.default === undefined)) continue;
    const parsed = spec.parse(raw);
    if ('problem' in parsed) problems.push(`${spec.env}: ${parsed.problem}`);
    else config[spec.key] = parsed.value;
  }
  const c = config as unknown as Config;
  // Links must point where this server listens when nobody said otherwise.
  c.publicUrl ??= `${c.httpTlsCert ? 'https' : 'http'}://localhost:${c.httpPort}`;
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) problems.push('DRIFTWOOD_TLS_CERT and DRIFTWOOD_TLS_KEY: set both or neither');
  if (Boolean(c.httpTlsCert) !== Boolean(c.httpTlsKey)) problems.push('DRIFTWOOD_HTTP_TLS_CERT and DRIFTWOOD_HTTP_TLS_KEY: set both or neither');
  return problems.length ? { ok: false, problems } : { ok: true, config: Object.freeze(c) };
}

export function configHelp(): string {
  const rows = OPTIONS.map((o) => `  ${`${o.flag} <value>`.padEnd(28)} ${o.help}\n  ${''.padEnd(28)} env ${o.env}${o.default !== undefined ? `, default "${o.default}"` : ''}`);
  return `Usage: driftwood serve [options]\n\nOptions (each also an environment variable):\n${rows.join('\n')}\n`;
}

/** The effective configuration, one line per option, secrets masked (printed at start). */
export function describeConfig(config: Readonly<Config>): string[] {
  return OPTIONS.filter((o) => config[o.key] !== undefined).map((o) => {
    let value = String(config[o.key]);
    if (o.secret) value = value.replace(/\/\/([^:@/]*):([^@/]*)@/, (_m, user: string, pass: string) => `//${user}:${'*'.repeat(pass.length)}@`);
    return `${o.env}=${value}`;
  });
}
