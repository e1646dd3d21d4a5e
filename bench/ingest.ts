// bench/ingest: end-to-end ingest throughput of a real `driftwood serve` process.
//   npx tsx bench/ingest.ts [seconds=60] [runs=3]
// Sends Heroku-like traffic in which no line repeats (bench/heroku-lines.ts, made as it is sent) —
// 100-line logplex bodies over keep-alive HTTP with several requests in flight, and octet-counted
// TCP as a Heroku syslog drain sends it (the drain token in HOSTNAME) — and reports stored lines/s
// (acknowledged, committed, indexed), the delay until an acknowledged line is searchable, bytes on
// disk per line, the server's CPU per line and peak RSS. In the same run it measures a bare
// better-sqlite3 insert loop of the same kind of rows (as many unique ones) into the same schema.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { BLOCK_ROWS } from '../server/store/block-codec.ts';
import { openDb, openReadOnly } from '../server/store/db.ts';
import { openStore } from '../server/store/index.ts';
import { toRow } from '../server/store/codec.ts';
import { attribute } from '../server/ingest/attribute.ts';
import { splitLogplexBody } from '../server/ingest/framing.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { herokuMessage, octetFrame, resetSeed } from './heroku-lines.ts';
import { startCommand } from './start-command.ts';

const SECONDS = Number(process.argv[2] ?? 60);
const RUNS = Number(process.argv[3] ?? 3);
const LINES_PER_BODY = 100;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
// BENCH_TRANSPORTS=http (or tcp) measures one transport only, for A/B runs of one change.
const TRANSPORTS = (process.env.BENCH_TRANSPORTS ?? 'http,tcp').split(',') as ('http' | 'tcp')[];
// What `npm start` runs: the server bundle, built here as `npm run build` builds it, unless
// BENCH_BIN names another bundle (A/B runs of two builds: `tsx server/build.ts OUTDIR`).
const BIN = process.env.BENCH_BIN ?? new URL('../server/dist/main.js', import.meta.url).pathname;
if (!process.env.BENCH_BIN) execFileSync(process.execPath, ['--import', 'tsx', new URL('../server/build.ts', import.meta.url).pathname], { stdio: 'inherit' });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
  });
}

async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  // As `npm start` runs it, unless BENCH_NODE_ARGS gives other flags.
  const start = startCommand();
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? start.nodeArgs;
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], { env: { ...start.env, ...process.env, ...env }, stdio: ['ignore', 'pipe', process.env.BENCH_SERVER_STDERR ? 'inherit' : 'ignore'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));
  return child;
}

/** CPU time the process has used, all its threads (proc(5): utime + stime, in clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 on
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / 100;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Body {
  body: Buffer;
  lines: number;
  /** The raw lines' bytes, without framing. */
  bytes: number;
}

/**
 * Bodies of LINES_PER_BODY unique lines, made as they are sent: a repeated pool would flatter the
 * full-text index, and ~1 µs a line costs the load generator little of the cores it shares.
 * `hostname`: what the lines carry in HOSTNAME (`host`, as HTTPS drains send).
 */
function bodySource(hostname?: string): () => Body {
  resetSeed(7);
  let i = 0;
  return () => {
    let text = '';
    let bytes = 0;
    for (let k = 0; k < LINES_PER_BODY; k++) {
      const m = herokuMessage(i++, hostname);
      bytes += Buffer.byteLength(m);
      text += octetFrame(m + '\n');
    }
    return { body: Buffer.from(text), lines: LINES_PER_BODY, bytes };
  };
}

async function httpRun(port: number, token: string, seconds: number) {
  const nextBody = bodySource();
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/drains/${token}`, method: 'POST', agent, headers: { 'content-type': 'application/logplex-1', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(body);
    });
  let acked = 0;
  let rawBytes = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < deadline) {
        const b = nextBody();
        if ((await post(b.body)) === 204) {
          acked += b.lines;
          rawBytes += b.bytes;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { linesPerS: acked / elapsed, acked, rawBytes, post };
}

/** A Heroku syslog drain over TCP: its lines carry the drain token as HOSTNAME (DESIGN 3). */
async function tcpRun(port: number, drainToken: string, seconds: number) {
  const nextBody = bodySource(drainToken);
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  let sent = 0;
  let rawBytes = 0;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const b = nextBody();
    if (!socket.write(b.body)) await new Promise((r) => socket.once('drain', r));
    sent += b.lines;
    rawBytes += b.bytes;
  }
  await new Promise<void>((r) => socket.end(() => r()));
  return { sent, rawBytes };
}

async function count(port: number, apiToken: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${apiToken}` } });
  const m = /driftwood_events_stored_total\{transport="(?:tcp|drain)"\} (\d+)/g;
  let total = 0;
  for (const x of (await res.text()).matchAll(m)) total += Number(x[1]);
  return total;
}

async function searchableDelayMs(port: number, drainToken: string, apiToken: string): Promise<number> {
  const marker = `marker${Date.now()}`;
  const body = octetFrame(`<190>1 2026-05-30T16:00:00+00:00 host app web.1 - ${marker}\n`);
  const res = await fetch(`http://127.0.0.1:${port}/drains/${drainToken}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body });
  const acked = performance.now();
  if (res.status !== 204) throw new Error(`marker not acknowledged: ${res.status}`);
  for (;;) {
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/events/search.json?q=${marker}&limit=1`, { headers: { authorization: `Bearer ${apiToken}` } });
    if (r.status !== 200) throw new Error(`search for the marker: ${r.status} ${await r.text()}`);
    const j = (await r.json()) as { events: unknown[] };
    if (j.events.length) return performance.now() - acked;
  }
}

/** An admin's API token, made in the data dir before the server starts (as `driftwood token add` does). */
function benchApiToken(dataDir: string): string {
  const store = openStore(dataDir);
  try {
    const user = store.users.create('bench@example.test', 'admin', 'scrypt-unused', Date.now())!;
    return store.apiTokens.create(user.id, 'bench', Date.now()).secret;
  } finally {
    store.close();
  }
}

/** du -sb: apparent size of every event database file (the WAL included). */
function eventBytes(dataDir: string): number {
  return Number(execFileSync('du', ['-sb', join(dataDir, 'events')]).toString().split('\t')[0]);
}

/** Of the events stored, the share sealed into blocks when the server stopped (store/sealer.ts), and the day files' free pages. */
function sealedShare(dataDir: string): { sealed: number; freeMb: number } {
  let events = 0;
  let sealed = 0;
  let freeMb = 0;
  for (const f of readdirSync(join(dataDir, 'events')).filter((f) => /^\d{4}-\d{2}-\d{2}\.sqlite$/.test(f))) {
    const db = openReadOnly(join(dataDir, 'events', f));
    const blocks = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'blocks'").get() ? (db.prepare('SELECT count(*) FROM blocks').pluck().get() as number) : 0;
    sealed += blocks * BLOCK_ROWS;
    events += blocks * BLOCK_ROWS + (db.prepare('SELECT count(*) FROM events').pluck().get() as number);
    freeMb += ((db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number)) / 1e6;
    db.close();
  }
  return { sealed: events ? sealed / events : 0, freeMb };
}

/**
 * Rows of the same kind, unique as the servers' are, inserted by a bare loop into the same schema:
 * the day file with its index file attached (store/partitions.ts), rows and postings in one
 * transaction. Each 10,000 rows are made and parsed before their transaction, and only the
 * transactions are timed. With `inline`, into one day file holding its index, as day files did
 * before day/0005.
 */
function bareInsertBaseline(seconds: number, inline = false): number {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bare-'));
  const db = openDb(join(dir, 'bare.sqlite'), 'day');
  if (inline) {
    db.exec(readFileSync(new URL('../server/store/migrations/fts/0001_init.sql', import.meta.url), 'utf8').replace("content = ''", "content = 'events', content_rowid = 'id'"));
  } else {
    openDb(join(dir, 'bare.fts.sqlite'), 'fts').close();
    db.prepare('ATTACH ? AS fts').run(join(dir, 'bare.fts.sqlite'));
  }
  const nextBody = bodySource();
  const now = new Date();
  const opts = { now, timeZone: 'UTC', maxMessageBytes: 65536, heroku: true };
  // Ids 1, 2, 3 … are also the positions (day/0009) and the index's rowids, as in a new day file.
  const ins = db.prepare('INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const fts = db.prepare('INSERT INTO events_fts (rowid, program, message) VALUES (?, ?, ?)');
  let id = 0;
  let insertingMs = 0;
  while (insertingMs < seconds * 1000) {
    const frames = Array.from({ length: 10_000 / LINES_PER_BODY }, () => splitLogplexBody(nextBody().body).frames).flat();
    const rows = frames.map((f) => toRow(++id, 1, 'bench', attribute(parseSyslog(f, opts), { ip: '127.0.0.1', drainName: 'bench' }, 0)));
    const started = performance.now();
    db.transaction(() => {
      for (const r of rows) {
        ins.run(r.id, r.system_id, r.generated_ms, r.source_ip, r.hostname, r.program, r.pri, r.message, r.extra, r.flags, r.id);
        fts.run(r.id, r.program, r.message);
      }
    })();
    insertingMs += performance.now() - started;
  }
  const rate = id / (insertingMs / 1000);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

async function once(kind: 'http' | 'tcp') {
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
  const httpPort = await freePort();
  const syslogPort = await freePort();
  const env = { DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(httpPort), DRIFTWOOD_SYSLOG_HOST: '127.0.0.1', DRIFTWOOD_SYSLOG_PORT: String(syslogPort), DRIFTWOOD_METRICS_PUBLIC: '1' };
  const drainToken = /drains\/(\S+)/.exec(await run(['drain', 'add', 'bench'], env))![1]!;
  const apiToken = benchApiToken(dataDir);
  const server = await startServer(env);
  // A run that fails (a crashed check, a timeout) must not leave its server ingesting behind the
  // next runs.
  try {
    const cpu0 = cpuSeconds(server.pid!);
    let linesPerS: number;
    let rawBytes: number;
    let lines: number;
    if (kind === 'http') {
      const r = await httpRun(httpPort, drainToken, SECONDS);
      linesPerS = r.linesPerS;
      rawBytes = r.rawBytes;
      lines = r.acked;
    } else {
      const started = performance.now();
      const r = await tcpRun(syslogPort, drainToken, SECONDS);
      // TCP has no acknowledgement: wait until everything sent is committed, then time it all.
      while ((await count(httpPort, apiToken)) < r.sent) await new Promise((res) => setTimeout(res, 20));
      linesPerS = r.sent / ((performance.now() - started) / 1000);
      lines = r.sent;
      rawBytes = r.rawBytes;
    }
    // The server's CPU per line: less noisy than lines/s on a shared machine, and what an A/B of two
    // builds compares best (each thread's work, whatever the others waited for).
    const cpuPerLineUs = ((cpuSeconds(server.pid!) - cpu0) / lines) * 1e6;
    const delays = [];
    for (let k = 0; k < 5; k++) delays.push(await searchableDelayMs(httpPort, drainToken, apiToken));
    const rss = peakRssMb(server.pid!);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const disk = eventBytes(dataDir);
    const { sealed, freeMb } = sealedShare(dataDir);
    return { linesPerS, cpuPerLineUs, searchableMs: median(delays), diskPerLine: disk / lines, rawPerLine: rawBytes / lines, rssMb: rss, sealed, freeMb };
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, Awaited<ReturnType<typeof once>>[]> = { http: [], tcp: [] };
const baseline: number[] = [];
const inlineBaseline: number[] = [];
for (let r = 0; r < RUNS; r++) {
  baseline.push(process.env.BENCH_SKIP_BARE ? NaN : bareInsertBaseline(Math.min(SECONDS, 20)));
  inlineBaseline.push(process.env.BENCH_SKIP_BARE ? NaN : bareInsertBaseline(Math.min(SECONDS, 20), true));
  for (const kind of TRANSPORTS) results[kind]!.push(await once(kind));
  console.error(`run ${r + 1}/${RUNS}: ${TRANSPORTS.map((k) => `${k} ${results[k]!.at(-1)!.linesPerS.toFixed(0)}/s`).join(' ')} bare ${baseline.at(-1)!.toFixed(0)}/s (one file: ${inlineBaseline.at(-1)!.toFixed(0)}/s)`);
}
const base = median(baseline);
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${SECONDS} s per run, median of ${RUNS}; no line repeats`);
const inlineBase = median(inlineBaseline);
console.log(`bare better-sqlite3 insert loop (same rows, same schema, 10k-row transactions): ${base.toFixed(0)} lines/s`);
console.log(`... into one day file holding its index (the layout before day/0005): ${inlineBase.toFixed(0)} lines/s`);
for (const kind of TRANSPORTS) {
  const rs = results[kind]!;
  const m = (f: (x: (typeof rs)[number]) => number) => median(rs.map(f));
  console.log(
    `${kind === 'http' ? 'HTTPS drain (logplex, 100 lines/body, 8 in flight)' : 'TCP octet-counted, one connection'}: ` +
      `${m((x) => x.linesPerS).toFixed(0)} lines/s (${(m((x) => x.linesPerS) / base).toFixed(2)}× bare, ${(m((x) => x.linesPerS) / inlineBase).toFixed(2)}× one-file bare), ` +
      `server CPU ${m((x) => x.cpuPerLineUs).toFixed(1)} µs/line, ` +
      `searchable after ack ${m((x) => x.searchableMs).toFixed(1)} ms, ` +
      `disk ${m((x) => x.diskPerLine).toFixed(0)} B/line (raw ${m((x) => x.rawPerLine).toFixed(0)} B, ${(m((x) => x.diskPerLine) / m((x) => x.rawPerLine)).toFixed(2)}×), ` +
      `peak RSS ${m((x) => x.rssMb).toFixed(0)} MB; sealed when it stopped ${(m((x) => x.sealed) * 100).toFixed(0)} % of events, free pages ${m((x) => x.freeMb).toFixed(0)} MB`,
  );
}
