// `driftwood demo`: sends realistic traffic (server/demo/traffic.ts) to a running server through
// its real ingest paths — an HTTPS drain, syslog over TCP and over UDP — so that a new user sees a
// live, searchable stream and, with the starter alerts installed, an alert firing within a minute.
// A client command: it talks to DRIFTWOOD_URL; the drain comes from --drain, or is found or
// created over the API with DRIFTWOOD_TOKEN (creating one needs an admin's token).
import { parseArgs } from 'node:util';
import type { Drain } from '../../shared/api.ts';
import { DemoTraffic, FAILED_LOGIN_BURST, type DemoLine, type DemoPath } from '../demo/traffic.ts';
import { ApiError, apiGet, apiPost, clientConfig, commandArgs } from './client.ts';
import { DrainSender, SendError, TcpSender, UdpSender, redact } from './demo-senders.ts';

const USAGE = `usage: driftwood demo [--url URL] [--drain URL] [--syslog HOST:PORT|off] [--duration 2m] [--rate 20] [--app NAME] [--seed N]

Sends demo traffic to a running server: a Heroku app "demo-shop" through an HTTPS drain (router
lines with H12 timeouts and 5xx, Python logging with a traceback, deploys), a Rails host with ANSI
colours over syslog TCP, and sshd on a bastion over syslog UDP with bursts of failed passwords.

  --url URL            the server (default DRIFTWOOD_URL, else http://localhost:8080)
  --drain URL          a drain URL from \`driftwood drain add demo-shop\` (or its d.… token); without
                       it, the drain named --app is found or created over the API (DRIFTWOOD_TOKEN of
                       an admin to create it)
  --syslog HOST:PORT   syslog UDP+TCP address (default: the --url host, port 5514); off: drain only
  --duration D         how long to send: 30s, 2m, 1h; 0 = until Ctrl-C (default 2m)
  --rate N             lines per second of ordinary traffic (default 20)
  --app NAME           the Heroku app's name (default demo-shop)
  --seed N             the same seed sends the same lines
`;

const TICK_MS = 500; // Logplex batches about twice a second for a busy app
const BURST_EVERY_MS = 60_000; // once per 1-minute alert window
const DEPLOY_EVERY_MS = 5 * 60_000;
const FIRST_BURST_MS = 2_000;
const DEFAULT_SYSLOG_PORT = 5514; // DESIGN 1

export interface DemoSettings {
  url: string;
  drainUrl: string;
  syslog?: { host: string; port: number };
  durationMs: number;
  rate: number;
  app: string;
  seed: number;
}

export async function demo(argv: string[]): Promise<number> {
  const args = commandArgs('demo', USAGE, () =>
    parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        drain: { type: 'string' },
        syslog: { type: 'string' },
        duration: { type: 'string', default: '2m' },
        rate: { type: 'string', default: '20' },
        app: { type: 'string', default: 'demo-shop' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if ('exit' in args) return args.exit;
  const v = args.values;
  const url = (v.url ?? process.env.DRIFTWOOD_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const problems: string[] = [];
  const durationMs = parseDuration(v.duration!);
  if (durationMs === undefined) problems.push(`--duration "${v.duration}" is not a duration (30s, 2m, 1h, or 0 for until Ctrl-C)`);
  const rate = Number(v.rate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 10_000) problems.push(`--rate "${v.rate}" is not a number of lines per second (0-10000)`);
  const seed = v.seed === undefined ? Date.now() % 2 ** 31 : Number(v.seed);
  if (!Number.isInteger(seed)) problems.push(`--seed "${v.seed}" is not a whole number`);
  let syslog: DemoSettings['syslog'];
  if (v.syslog !== 'off') {
    syslog = parseHostPort(v.syslog ?? `${hostOf(url)}:${DEFAULT_SYSLOG_PORT}`);
    if (!syslog) problems.push(`--syslog "${v.syslog}" is not HOST:PORT or off`);
  }
  if (problems.length) {
    for (const p of problems) process.stderr.write(`driftwood demo: ${p}\n`);
    return 2;
  }
  let drainUrl: string;
  try {
    drainUrl = v.drain ? (/^https?:\/\//.test(v.drain) ? v.drain : `${url}/drains/${v.drain}`) : await findOrCreateDrain(url, v.app!);
  } catch (e) {
    process.stderr.write(`driftwood demo: ${(e as Error).message}\n`);
    return 1;
  }
  return runDemo({ url, drainUrl, syslog, durationMs: durationMs!, rate, app: v.app!, seed }, { say: (line) => process.stdout.write(`${line}\n`), fail: (line) => process.stderr.write(`driftwood demo: ${line}\n`) });
}

/** Sends until the duration is over (or Ctrl-C): progress goes to `say`, a failure to `fail`. */
export async function runDemo(s: DemoSettings, out: { say(line: string): void; fail(line: string): void }, stop: AbortSignal = interrupted()): Promise<number> {
  const { say, fail } = out;
  const traffic = new DemoTraffic({ seed: s.seed, app: s.app, syslog: s.syslog !== undefined });
  const drain = new DrainSender(s.drainUrl);
  let tcp: TcpSender | undefined;
  let udp: UdpSender | undefined;
  try {
    if (s.syslog) {
      tcp = await TcpSender.connect(s.syslog.host, s.syslog.port);
      udp = new UdpSender(s.syslog.host, s.syslog.port);
    }
  } catch (e) {
    fail(`${(e as Error).message} (is the server's DRIFTWOOD_SYSLOG_PORT ${s.syslog?.port}? --syslog HOST:PORT, or --syslog off)`);
    return 1;
  }
  const sent: Record<DemoPath, number> = { drain: 0, tcp: 0, udp: 0 };
  const via = `Heroku app "${s.app}" via ${redact(s.drainUrl)}${s.syslog ? `, billing-1 (Rails) via syslog TCP and bastion (sshd) via syslog UDP at ${s.syslog.host}:${s.syslog.port}` : ''}`;
  say(`Sending demo traffic${s.durationMs ? ` for ${s.durationMs / 1000}s` : ' until Ctrl-C'}: ${via}.`);
  say(`Watch it at ${s.url}/events, or try the searches  program:heroku/router status>=500  code=H12  Traceback  program:app/api  "failed password"`);
  say('Alerts: `driftwood alerts starter --email you@example.com` on the server fires "Burst of failed logins" within a minute.');
  const start = Date.now();
  let carry = 0;
  let nextBurst = start + FIRST_BURST_MS;
  let nextDeploy = start + DEPLOY_EVERY_MS;
  try {
    for (let tick = 0; !stop.aborted; tick++) {
      const now = Date.now();
      const lines: DemoLine[] = tick === 0 ? traffic.everyKind(now) : [];
      carry += (s.rate * TICK_MS) / 1000;
      if (tick > 0 && carry >= 1) {
        lines.push(...traffic.mix(now, Math.floor(carry)));
        carry -= Math.floor(carry);
      }
      if (now >= nextBurst) {
        lines.push(...traffic.failedLogins(now, FAILED_LOGIN_BURST));
        say(`${new Date(now).toISOString().slice(11, 19)} a burst of ${FAILED_LOGIN_BURST} failed logins`);
        nextBurst += BURST_EVERY_MS;
      }
      if (now >= nextDeploy) {
        lines.push(...traffic.deploy(now));
        say(`${new Date(now).toISOString().slice(11, 19)} a deploy`);
        nextDeploy += DEPLOY_EVERY_MS;
      }
      const of = (path: DemoPath) => lines.filter((l) => l.path === path).map((l) => l.line);
      sent.drain += await drain.send(of('drain'));
      if (tcp && udp) {
        sent.tcp += await tcp.send(of('tcp'));
        sent.udp += await udp.send(of('udp'));
      }
      if (s.durationMs && Date.now() - start >= s.durationMs) break;
      await sleep(start + (tick + 1) * TICK_MS - Date.now(), stop);
    }
  } catch (e) {
    if (!(e instanceof SendError)) throw e;
    fail(e.message);
    return 1;
  } finally {
    await tcp?.close();
    await udp?.close();
  }
  say(`Sent ${sent.drain + sent.tcp + sent.udp} lines: ${sent.drain} through the drain, ${sent.tcp} over syslog TCP, ${sent.udp} over syslog UDP.`);
  return 0;
}

/** The drain named `app`, created when missing; a member's token can only use an existing one. */
async function findOrCreateDrain(url: string, app: string): Promise<string> {
  const config = clientConfig({ ...process.env, DRIFTWOOD_URL: url });
  if ('problem' in config) throw new Error(`no --drain and ${config.problem}; or create the drain on the server with \`driftwood drain add ${app}\` and pass --drain URL`);
  try {
    const existing = (await apiGet<Drain[]>(config, '/api/v1/drains.json')).find((d) => d.name === app);
    // Post to the server we were given: the drain's own URL uses DRIFTWOOD_PUBLIC_URL, which may not be reachable from here.
    return `${url}/drains/${(existing ?? (await apiPost<Drain>(config, '/api/v1/drains.json', { name: app }))).token}`;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) throw new Error(`managing drains needs an admin's token: run \`driftwood drain add ${app}\` on the server and pass its URL as --drain`);
    throw e;
  }
}

/** `30s`, `2m`, `1h`, `90` (seconds) or `0` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  return m && port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'localhost';
  }
}

function interrupted(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    stop.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });
}
