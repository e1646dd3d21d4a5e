// bench/alerts: 500 alerts on 1-minute schedules over a store receiving 10,000 lines/s.
//   npx tsx bench/alerts.ts [seconds=150] [alerts=500] [rate=10000]   (BENCH_PARTS=1 or 2 runs one part)
// Part 1 (in process, nothing else running): one round over a full minute of traffic (rate × 60
// Heroku-like lines), in total and by kind of query.
// Part 2 (end to end): a real `driftwood serve` fed `rate` lines/s over the HTTPS drain for
// `seconds`, first without alerts, then with them; the ingest rate it sustains, the
// acknowledgement latency, and the time of every round it runs (from its log).
// Targets (issue 6): a round ≤ 5 s; ingest slowed by ≤ 10 %.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import net from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { AlertCondition } from '../shared/api.ts';
import { parse } from '../shared/query/parse.ts';
import { createMailer } from '../server/alerts/email.ts';
import { AlertEngine } from '../server/alerts/run.ts';
import { PRECOUNT_INTERVAL_MS } from '../server/alerts/scheduler.ts';
import { STARTER_PACK } from '../server/alerts/starter.ts';
import { attribute } from '../server/ingest/attribute.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { openStore, type Store } from '../server/store/index.ts';
import type { NewEvent } from '../server/store/types.ts';
import { herokuMessage, octetFrame, resetSeed } from './heroku-lines.ts';

const SECONDS = Number(process.argv[2] ?? 150);
const ALERTS = Number(process.argv[3] ?? 500);
const RATE = Number(process.argv[4] ?? 10_000);
const PARTS = process.env.BENCH_PARTS ?? '12';
const LINES_PER_BODY = 100;
const MAX_IN_FLIGHT = 32;
const BIN = new URL('../bin/driftwood.js', import.meta.url).pathname;

// ---- the alerts: what a team with 500 alerts has, mostly specific strings ----

interface BenchAlert {
  kind: string;
  query: string;
  condition: AlertCondition;
}

let seed = 11;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const EXCEPTIONS = ['PG::ConnectionBad', 'Redis::TimeoutError', 'NoMethodError', 'ActiveRecord::RecordNotFound', 'Stripe::CardError', 'Net::ReadTimeout', 'JSON::ParserError', 'Errno::ECONNRESET'];
const WORDS = ['cache', 'miss', 'user', 'order', 'payment', 'session', 'render', 'template', 'query', 'completed', 'started', 'job', 'queue', 'mail'];
const PATHS = ['/api/v1/users', '/api/v1/orders', '/login', '/add_list', '/search'];

/** The mix, by share: see the report for what each kind costs. */
export function alertMix(n: number): BenchAlert[] {
  const out: BenchAlert[] = STARTER_PACK.map((s) => ({ kind: 'starter pack', query: s.query, condition: s.condition }));
  const atLeast = (count = 1): AlertCondition => ({ type: 'at_least', count });
  const kinds: [number, () => BenchAlert][] = [
    [0.3, () => ({ kind: 'exception name', query: `"${pick(EXCEPTIONS)}"${pick(['', ' checkout', ' worker', ' billing', ' OrdersController', ' SyncJob'])}`, condition: atLeast() })],
    [0.2, () => ({ kind: 'user or request id', query: rand() < 0.5 ? `user_id=${10_000 + Math.floor(rand() * 90_000)}` : `request_id=${hex(8)}`, condition: atLeast() })],
    [0.15, () => ({ kind: 'client address', query: `fwd="10.1.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}"`, condition: atLeast() })],
    [0.1, () => ({ kind: 'dyno + term', query: `program:app/web.${1 + Math.floor(rand() * 4)} ${pick(['error', 'timeout', 'exception', 'killed', 'memory'])}`, condition: atLeast() })],
    [0.1, () => ({ kind: 'same search, other threshold', query: out[Math.floor(rand() * out.length)]!.query, condition: atLeast(1 + Math.floor(rand() * 50)) })],
    [0.06, () => ({ kind: 'path + status/latency', query: `path="${pick(PATHS)}" ${rand() < 0.5 ? `status>=${pick([400, 500])}` : `service>${pick([500, 800])}ms`}`, condition: atLeast(pick([1, 10, 100])) })],
    [0.04, () => ({ kind: 'two common words', query: `"${pick(WORDS)} ${pick(WORDS)}"`, condition: atLeast(1000) })],
    [0.03, () => ({ kind: 'severity of a sender', query: `severity:>=${pick(['warning', 'error'])} sender:bench`, condition: atLeast(100) })],
    [0.02, () => ({ kind: 'quiet (none) on a program', query: `program:${pick(['heroku/router', 'app/web.1', 'app/web.2'])}`, condition: { type: 'none' } })],
  ];
  while (out.length < n) {
    let r = rand();
    const [, make] = kinds.find(([share]) => (r -= share) < 0) ?? kinds[0]!;
    const a = make();
    if (!parse(a.query).ok) throw new Error(`bench query does not parse: ${a.query}`);
    out.push(a);
  }
  return out.slice(0, n);
}

function createAlerts(store: Store, alerts: BenchAlert[], nowMs: number): void {
  const lastId = store.windows.highestId();
  const searchIds = new Map<string, number>();
  for (const a of alerts) {
    let id = searchIds.get(a.query);
    if (id === undefined) searchIds.set(a.query, (id = store.searches.create({ name: a.kind, query: a.query, group_id: null }, nowMs).id));
    store.alerts.create({ search_id: id, frequency: '1m', condition: a.condition, email_to: [], webhook_url: null, webhook_counts_only: false, timezone: 'UTC', enabled: true }, { lastId, nowMs });
  }
}

// ---- part 1: one round over a full minute, in process ----

/** A minute of traffic at RATE, parsed as the drain parses it; `between()` runs every PRECOUNT_INTERVAL_MS of it. */
async function minuteOfTraffic(store: Store, startMs: number, between?: () => Promise<void>): Promise<number> {
  resetSeed(7);
  const n = RATE * 60;
  let batch: NewEvent[] = [];
  for (let i = 0; i < n; i++) {
    const parsed = parseSyslog(Buffer.from(herokuMessage(i)), { now: new Date(startMs), timeZone: 'UTC', maxMessageBytes: 65_536, heroku: true });
    batch.push(attribute(parsed, { ip: '127.0.0.1', drainName: 'bench' }, startMs + Math.floor((i * 60_000) / n)));
    if (batch.length === 10_000 || i === n - 1) {
      store.append([{ events: batch }]);
      batch = [];
      if (between && (i + 1) % ((RATE * PRECOUNT_INTERVAL_MS) / 1000) === 0 && i !== n - 1) await between();
    }
  }
  return n;
}

const quiet = { info() {}, warn() {}, error: (m: string) => console.error(m) };
const engineFor = (store: Store) => new AlertEngine({ store, log: quiet, now: Date.now, publicUrl: 'http://localhost:8080', mailer: createMailer({ from: 'bench@example.com' }) });

/** The tick's round when the scheduler counted ahead every 10 s of the minute (as `serve` does). */
async function roundAfterCountingAhead(alerts: BenchAlert[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-alerts-'));
  const store = openStore(dir);
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
  createAlerts(store, alerts, minute - 1);
  const engine = engineFor(store);
  const passes: number[] = [];
  await minuteOfTraffic(store, minute, async () => {
    const started = performance.now();
    await engine.precount();
    passes.push(performance.now() - started);
  });
  const report = await engine.runDue(minute + 60_000);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { report, passes };
}

async function roundInProcess(alerts: BenchAlert[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-alerts-'));
  const store = openStore(dir);
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
  createAlerts(store, alerts, minute - 1);
  const lines = await minuteOfTraffic(store, minute);
  const engine = engineFor(store);
  const report = await engine.runDue(minute + 60_000);
  // The same counts one query at a time, by kind (no sharing between alerts of one search here).
  const byKind = new Map<string, { n: number; ms: number; worst: number; worstQuery: string }>();
  const hi = store.windows.highestId();
  for (const a of alerts) {
    const parsed = parse(a.query);
    if (!parsed.ok) continue;
    const filter = store.compile(parsed.ast);
    const started = performance.now();
    store.windows.count(filter, 0, hi);
    const ms = performance.now() - started;
    const k = byKind.get(a.kind) ?? { n: 0, ms: 0, worst: 0, worstQuery: '' };
    k.n++;
    k.ms += ms;
    if (ms > k.worst) Object.assign(k, { worst: ms, worstQuery: a.query });
    byKind.set(a.kind, k);
  }
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { lines, report, byKind };
}

// ---- part 2: a real server under a steady load, without and with the alerts ----

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function bodies(count: number): string[] {
  resetSeed(9);
  let i = 0;
  return Array.from({ length: count }, () => Array.from({ length: LINES_PER_BODY }, () => octetFrame(`${herokuMessage(i++)}\n`)).join(''));
}

async function underLoad(withAlerts: BenchAlert[] | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-bench-alerts-'));
  const store = openStore(dataDir);
  const drain = store.drains.create('bench', Date.now());
  if (withAlerts) createAlerts(store, withAlerts, Date.now());
  store.close();
  const port = await freePort();
  const env = { DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' };
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const rounds: { line: string; ms: number; due: number; recorded: number }[] = [];
  let errLines = '';
  child.stderr!.on('data', (d: Buffer) => {
    errLines += d.toString();
    for (let nl = errLines.indexOf('\n'); nl >= 0; nl = errLines.indexOf('\n')) {
      const line = errLines.slice(0, nl);
      errLines = errLines.slice(nl + 1);
      // The server's log is pino JSON lines (level 40 warn, 50 error); anything else is Node's.
      if (!line.startsWith('{')) {
        console.error(`  server: ${line}`);
        continue;
      }
      const entry = JSON.parse(line) as { level: number; msg: string };
      const m = /alerts: (\d+) due, (\d+) recorded, .* in (\d+) ms/.exec(entry.msg);
      if (m) rounds.push({ line: entry.msg, due: Number(m[1]), recorded: Number(m[2]), ms: Number(m[3]) });
      else if (entry.level >= 40 && !/security /.test(entry.msg)) console.error(`  server: ${entry.msg}`);
    }
  });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));

  const pool = bodies(200);
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const latencies: number[] = [];
  let acked = 0;
  let refused = 0;
  let inFlight = 0;
  let skipped = 0;
  const post = (body: string) =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      inFlight++;
      const req = request({ host: '127.0.0.1', port, path: `/drains/${drain.token}`, method: 'POST', agent, headers: { 'content-type': 'application/logplex-1', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          if (res.statusCode === 204) {
            acked += LINES_PER_BODY;
            latencies.push(performance.now() - sent);
          } else refused += LINES_PER_BODY;
          resolve();
        });
      });
      req.on('error', () => {
        inFlight--;
        refused += LINES_PER_BODY;
        resolve();
      });
      req.end(body);
    });
  const perSecond = RATE / LINES_PER_BODY;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let k = 0; performance.now() - started < SECONDS * 1000; k++) {
    const due = started + (k * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped += LINES_PER_BODY; // the server is behind: offered load it could not take
      continue;
    }
    pending.push(post(pool[k % pool.length]!));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { offered: RATE, rate: acked / elapsed, refused, skipped, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? NaN, rounds };
}

// ---- report ----

const alerts = alertMix(ALERTS);
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average at start ${loadavg()[0]!.toFixed(2)}`);
console.log(`${alerts.length} alerts on 1-minute schedules, ${new Set(alerts.map((a) => a.query)).size} distinct queries; ${RATE} lines/s\n`);

if (PARTS.includes('1')) {
const part1 = await roundInProcess(alerts);
const ahead = await roundAfterCountingAhead(alerts);
console.log(`part 1 — one round over a full minute (${part1.lines} lines), in process, no ingest running meanwhile:`);
console.log(`  counting the whole minute at the tick: ${part1.report.due} alerts in ${part1.report.ms} ms (${part1.report.counts} distinct counts, ${part1.report.fired} fired)`);
console.log(`  counted ahead every ${PRECOUNT_INTERVAL_MS / 1000} s (as serve does): the tick's round took ${ahead.report.ms} ms; the ${ahead.passes.length} passes before it ${ahead.passes.map((p) => p.toFixed(0)).join(', ')} ms`);
console.log('  the same queries counted one by one, by kind:');
for (const [kind, k] of [...part1.byKind].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`    ${kind.padEnd(30)} ${String(k.n).padStart(4)} alerts  ${(k.ms / 1000).toFixed(2).padStart(6)} s  avg ${(k.ms / k.n).toFixed(1).padStart(6)} ms  worst ${k.worst.toFixed(0).padStart(5)} ms  ${k.worstQuery}`);
}

}

if (PARTS.includes('2')) {
console.log(`\npart 2 — a real server, ${RATE} lines/s offered over the HTTPS drain for ${SECONDS} s:`);
const without = await underLoad(undefined);
const withAlerts = await underLoad(alerts);
for (const [label, r] of [['no alerts', without], [`${alerts.length} alerts`, withAlerts]] as const) {
  console.log(
    `  ${label.padEnd(11)} ingest ${r.rate.toFixed(0)} lines/s (offered ${r.offered}; not taken ${r.skipped}, refused ${r.refused}); ` +
      `ack latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms`,
  );
}
console.log(`  ingest with alerts vs without: ${((withAlerts.rate / without.rate - 1) * 100).toFixed(1)} %`);
for (const r of withAlerts.rounds) console.log(`  round: ${r.line}${r.recorded < r.due ? ' (cut short: the bench stopped the server)' : ''}`);
}
