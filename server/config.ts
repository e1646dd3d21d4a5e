// Every setting is an environment variable with a matching `driftwood serve --flag` (DESIGN 1),
// and may also be written in a config file (DRIFTWOOD_CONFIG). loadConfig() validates everything
// at once and reports one line per problem; configHelp() is the one reference (docs/CONFIGURATION.md).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseEnvFile } from './config-file.ts';

/** pino's levels (server/log.ts). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
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
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** The config file the settings were read from (DRIFTWOOD_CONFIG, --config), if any. */
  configFile?: string;
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
const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (raw: string) =>
    (choices as readonly string[]).includes(raw) ? { value: raw as T } : { problem: `"${raw}" is not one of ${choices.join(', ')}` };
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
  { key: 'dataDir', env: 'DRIFTWOOD_DATA_DIR', flag: '--data-dir', default: './data', help: 'where the SQLite databases live: driftwood.sqlite, and two files per day of events', parse: text },
  { key: 'httpHost', env: 'DRIFTWOOD_HTTP_HOST', flag: '--http-host', default: '0.0.0.0', help: 'address for the UI, API and HTTPS drains', parse: host },
  { key: 'httpPort', env: 'DRIFTWOOD_HTTP_PORT', flag: '--http-port', default: '8080', help: 'port for the UI, API and HTTPS drains', parse: port },
  { key: 'httpTlsCert', env: 'DRIFTWOOD_HTTP_TLS_CERT', flag: '--http-tls-cert', help: 'PEM certificate: serve HTTPS instead of HTTP', parse: readableFile },
  { key: 'httpTlsKey', env: 'DRIFTWOOD_HTTP_TLS_KEY', flag: '--http-tls-key', help: 'PEM key for --http-tls-cert', parse: readableFile },
  { key: 'syslogHost', env: 'DRIFTWOOD_SYSLOG_HOST', flag: '--syslog-host', default: '0.0.0.0', help: 'address for syslog UDP/TCP/TLS', parse: host },
  { key: 'syslogPort', env: 'DRIFTWOOD_SYSLOG_PORT', flag: '--syslog-port', default: '5514', help: 'syslog UDP and TCP port (0 = off)', parse: port },
  { key: 'syslogTlsPort', env: 'DRIFTWOOD_SYSLOG_TLS_PORT', flag: '--syslog-tls-port', default: '6514', help: 'syslog over TLS (RFC 5425); on only with a cert and key', parse: port },
  { key: 'tlsCert', env: 'DRIFTWOOD_TLS_CERT', flag: '--tls-cert', help: 'PEM certificate for syslog TLS', parse: readableFile },
  { key: 'tlsKey', env: 'DRIFTWOOD_TLS_KEY', flag: '--tls-key', help: 'PEM key for syslog TLS', parse: readableFile },
  { key: 'publicUrl', env: 'DRIFTWOOD_PUBLIC_URL', flag: '--public-url', help: 'base of drain URLs and of links in emails: the address senders and mail readers use (default http://localhost:<http port>, https with a certificate)', parse: url },
  { key: 'retentionDays', env: 'DRIFTWOOD_RETENTION_DAYS', flag: '--retention-days', default: '365', help: 'days of events kept', parse: positiveInt },
  { key: 'maxDiskMb', env: 'DRIFTWOOD_MAX_DISK_MB', flag: '--max-disk-mb', help: 'optional cap on event storage; oldest days go first', parse: positiveInt },
  { key: 'maxMessageBytes', env: 'DRIFTWOOD_MAX_MESSAGE_BYTES', flag: '--max-message-bytes', default: '65536', help: 'longer messages are truncated and flagged "truncated"', parse: positiveInt },
  { key: 'smtpUrl', env: 'DRIFTWOOD_SMTP_URL', flag: '--smtp-url', secret: true, help: 'SMTP server for alert mail, e.g. smtp://user:pass@mail:587', parse: smtpUrl },
  { key: 'mailFrom', env: 'DRIFTWOOD_MAIL_FROM', flag: '--mail-from', default: 'driftwood@localhost', help: 'From: address of alert mail', parse: text },
  { key: 'webhookAllow', env: 'DRIFTWOOD_WEBHOOK_ALLOW', flag: '--webhook-allow', default: '', help: 'comma-separated CIDRs of internal addresses (loopback, private, link-local) that alert webhooks may reach; public addresses always can (default: none)', parse: cidrList },
  { key: 'syslogAllow', env: 'DRIFTWOOD_SYSLOG_ALLOW', flag: '--syslog-allow', default: '', help: 'comma-separated CIDRs allowed to send syslog (empty = all)', parse: cidrList },
  { key: 'metricsPublic', env: 'DRIFTWOOD_METRICS_PUBLIC', flag: '--metrics-public', default: '0', help: 'serve /metrics without an API token', parse: bool },
  { key: 'trustProxy', env: 'DRIFTWOOD_TRUST_PROXY', flag: '--trust-proxy', default: '0', help: 'trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy in front', parse: bool },
  { key: 'headExport', env: 'DRIFTWOOD_HEAD_EXPORT', flag: '--head-export', help: 'every minute, a signed checkpoint of the hash chain head: file:/path (appended) or an http(s) URL (POST)', parse: exportTarget },
  { key: 'archiveDir', env: 'DRIFTWOOD_ARCHIVE_DIR', flag: '--archive-dir', help: 'each finished day as a gzip TSV (Papertrail archive layout) and a .sha256 here; retention waits for it', parse: text },
  { key: 'timeZone', env: 'DRIFTWOOD_TIME_ZONE', flag: '--time-zone', default: 'UTC', help: 'zone for sender timestamps that carry none (RFC 3164)', parse: timeZone },
  { key: 'logLevel', env: 'DRIFTWOOD_LOG_LEVEL', flag: '--log-level', default: 'info', help: `Driftwood's own log: the least severe level written (${LOG_LEVELS.join(', ')})`, parse: oneOf(LOG_LEVELS) },
  { key: 'logFormat', env: 'DRIFTWOOD_LOG_FORMAT', flag: '--log-format', default: 'auto', help: 'json: one JSON object a line on stderr (pino); pretty: readable lines; auto: pretty when stderr is a terminal, else json', parse: oneOf(LOG_FORMATS) },
];

export type ConfigResult = { ok: true; config: Readonly<Config> } | { ok: false; problems: string[] };

/** The config file option: not a setting itself, it names the file that holds settings. */
export const CONFIG_FILE = { env: 'DRIFTWOOD_CONFIG', flag: '--config', help: 'a file of KEY=VALUE lines setting the variables below (systemd EnvironmentFile syntax)' };

/** A raw value and where it came from, so that a bad one is reported at its source. */
interface Raw {
  value: string;
  from: string;
}

/** Flags win over environment variables, which win over the config file, which wins over defaults. */
export function loadConfig(env: Record<string, string | undefined>, argv: string[]): ConfigResult {
  const problems: string[] = [];
  const flagValues = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const known = name === CONFIG_FILE.flag || OPTIONS.some((o) => o.flag === name);
    if (!known) {
      problems.push(`${arg}: unknown option (see driftwood serve --help)`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`${name}: needs a value`);
    else flagValues.set(name, value);
  }
  const configPath = flagValues.get(CONFIG_FILE.flag) ?? env[CONFIG_FILE.env];
  const fileValues = configPath ? readConfigFile(configPath, problems) : new Map<string, Raw>();
  const config: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const given = flagValues.get(spec.flag) ?? env[spec.env];
    const fallback = spec.default === undefined ? undefined : { value: spec.default, from: '' };
    const raw: Raw | undefined = given !== undefined ? { value: given, from: '' } : (fileValues.get(spec.env) ?? fallback);
    if (raw === undefined || (raw.value === '' && spec.default === undefined)) continue;
    const parsed = spec.parse(raw.value);
    if ('problem' in parsed) problems.push(`${raw.from}${spec.env}: ${parsed.problem}`);
    else config[spec.key] = parsed.value;
  }
  const c = config as unknown as Config;
  if (configPath) c.configFile = configPath;
  // Links must point where this server listens when nobody said otherwise.
  c.publicUrl ??= `${c.httpTlsCert ? 'https' : 'http'}://localhost:${c.httpPort}`;
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) problems.push('DRIFTWOOD_TLS_CERT and DRIFTWOOD_TLS_KEY: set both or neither');
  if (Boolean(c.httpTlsCert) !== Boolean(c.httpTlsKey)) problems.push('DRIFTWOOD_HTTP_TLS_CERT and DRIFTWOOD_HTTP_TLS_KEY: set both or neither');
  return problems.length ? { ok: false, problems } : { ok: true, config: Object.freeze(c) };
}

/** The settings a config file holds, by variable name; its problems go to `problems` as "path:line: …". */
function readConfigFile(path: string, problems: string[]): Map<string, Raw> {
  const values = new Map<string, Raw>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    problems.push(`${CONFIG_FILE.env}: cannot read "${path}": ${(e as Error).message}`);
    return values;
  }
  const file = parseEnvFile(text);
  for (const p of file.problems) problems.push(`${path}:${p.line}: ${p.message}`);
  for (const { key, value, line } of file.entries) {
    if (OPTIONS.some((o) => o.env === key)) values.set(key, { value, from: `${path}:${line}: ` });
    else problems.push(`${path}:${line}: ${key} is not a Driftwood setting${didYouMean(key)} (see driftwood serve --help)`);
  }
  return values;
}

function didYouMean(key: string): string {
  const near = OPTIONS.map((o) => o.env).find((name) => editDistance(name, key.toUpperCase()) <= 2);
  return near ? `; did you mean ${near}?` : '';
}

/** Levenshtein distance, for typo suggestions among a few dozen short names. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

const HELP_COLUMN = 30;
const HELP_WIDTH = 100;

/** `driftwood serve --help`; docs/CONFIGURATION.md holds the same text (npm run docs:config). */
export function configHelp(): string {
  const option = (flag: string, help: string, env: string, fallback?: string) => {
    const lines = wrap(help, HELP_WIDTH - HELP_COLUMN - 2);
    lines.push(`env ${env}${fallback !== undefined ? `, default "${fallback}"` : ''}`);
    return lines.map((text, i) => `  ${(i === 0 ? flag : '').padEnd(HELP_COLUMN - 3)} ${text}`).join('\n');
  };
  return [
    'Usage: driftwood serve [options]',
    '',
    ...wrap(
      'Every option is also an environment variable. A flag wins over the environment, the environment wins over the config file, and the config file wins over the defaults. Invalid values stop the server at start, one line per problem.',
      HELP_WIDTH,
    ),
    '',
    'Options:',
    option(`${CONFIG_FILE.flag} <file>`, CONFIG_FILE.help, CONFIG_FILE.env),
    ...OPTIONS.map((o) => option(`${o.flag} <value>`, o.help, o.env, o.default)),
    '',
  ].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The effective configuration, one line per option, secrets masked (printed at start). */
export function describeConfig(config: Readonly<Config>): string[] {
  const file = config.configFile ? [`${CONFIG_FILE.env}=${config.configFile}`] : [];
  return file.concat(OPTIONS.filter((o) => config[o.key] !== undefined).map((o) => {
    let value = String(config[o.key]);
    if (o.secret) value = value.replace(/\/\/([^:@/]*):([^@/]*)@/, (_m, user: string, pass: string) => `//${user}:${'*'.repeat(pass.length)}@`);
    return `${o.env}=${value}`;
  }));
}
