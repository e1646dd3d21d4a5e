// bench/tail: live tail latency and its cost to ingest, against a real `driftwood serve` process.
//   npx tsx bench/tail.ts [seconds=30] [rate=10000] [tails=20] [runs=3]
// Ingest: Heroku-like logplex bodies of 100 lines over keep-alive HTTP, paced at `rate` lines/s.
// Tails: `tails` WebSocket clients in this process, each with a different query. Reported:
//   - latency from the drain request's acknowledgement (204) to the line's arrival at a client,
//     p50 / p99 / max over every (line, client) delivery;
//   - the ingest rate achieved and the drain's own ack latency, with and without the tails;
//   - the same with ingest unpaced (as fast as 8 requests in flight go), with and without tails;
//   - the CPU the server process and this client process used (both share the machine's cores).
// Each configuration runs `runs` times, interleaved; medians are reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { TailMessage } from '../shared/api.ts';
import { herokuMessage, octetFrame, resetSeed } from './heroku-lines.ts';

const SECONDS = Number(process.argv[2] ?? 30);
const RATE = Number(process.argv[3] ?? 10_000);
const TAILS = Number(process.argv[4] ?? 20);
const RUNS = Number(process.argv[5] ?? 3);
const LINES_PER_BODY = 100;
const IN_FLIGHT = 8;
const BIN = new URL('../bin/driftwood.js', import.meta.url).pathname;

// Twenty different queries over the Heroku-like lines: from everything to rare matches.
const QUERIES = [
  '', 'status=200', 'status>=500', 'program:heroku/router', 'program:app/*', 'at=error', '/login', '"cache miss"',
  'payment -session', 'severity:>=warning', 'service>500ms', 'dyno=web.1', 'sender:bench', 'order OR payment',
  '~"user_id=\\d{5}\\b"', 'code=H12', 'method=GET /api/v1/users', '-healthcheck', 'bytes<1000', 'template render',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function cli(args: string[], env: Record<string, string>, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.stdin.end(input);
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`driftwood ${args[0]}: ${err || out}`))));
  });
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));
  return child;
}

/** Bodies of 100 lines; every line ends with bench_batch=<k> so a client knows which POST it came in. */
function body(k: number): string {
  const msgs = Array.from({ length: LINES_PER_BODY }, (_, i) => `${herokuMessage(k * LINES_PER_BODY + i)} bench_batch=${k}`);
  return msgs.map((m) => octetFrame(m + '\n')).join('');
}

const BATCH_FIELD = /"bench_batch":"(\d+)"/g;

interface Tail {
  ws: WebSocket;
  arrivals: [batch: number, atMs: number][];
  skipped: number;
}

function openTail(port: number, token: string, q: string): Promise<Tail> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/tail?${new URLSearchParams({ q })}`, { headers: { authorization: `Bearer ${token}` } });
  const tail: Tail = { ws, arrivals: [], skipped: 0 };
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const at = performance.now();
      const text = data.toString();
      // Events frames: only the batch numbers, without building the events (this process shares
      // the machine's cores with the server; a full JSON.parse of 10,000s of events/s would not).
      if (text.startsWith('{"type":"events"')) {
        for (const x of text.matchAll(BATCH_FIELD)) tail.arrivals.push([Number(x[1]), at]);
        return;
      }
      const m = JSON.parse(text) as TailMessage;
      if (m.type === 'live') resolve(tail);
      else if (m.type === 'skipped') tail.skipped += m.count;
      else if (m.type === 'error') reject(new Error(`tail "${q}": ${m.message}`));
    });
    ws.once('error', reject);
  });
}

async function ingest(port: number, drainToken: string, seconds: number, rate: number | undefined) {
  resetSeed(7);
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const acks = new Map<number, number>();
  const ackLatency: number[] = [];
  let acked = 0;
  let refused = 0;
  const post = (k: number, text: string) =>
    new Promise<void>((resolve, reject) => {
      const sent = performance.now();
      const req = request({ host: '127.0.0.1', port, path: `/drains/${drainToken}`, method: 'POST', agent, headers: { 'content-type': 'application/logplex-1', 'content-length': Buffer.byteLength(text) } }, (res) => {
        res.resume();
        res.on('end', () => {
          const at = performance.now();
          if (res.statusCode === 204) {
            acks.set(k, at);
            ackLatency.push(at - sent);
            acked += LINES_PER_BODY;
          } else refused++;
          resolve();
        });
      });
      req.on('error', reject);
      req.end(text);
    });
  const started = performance.now();
  const end = started + seconds * 1000;
  let next = 0;
  const interval = rate ? (LINES_PER_BODY / rate) * 1000 : 0;
  // IN_FLIGHT workers take batch numbers in order; when paced, batch k is not sent before its slot.
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (;;) {
        const k = next++;
        const slot = started + k * interval;
        if (slot >= end || performance.now() >= end) return;
        const wait = slot - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await post(k, body(k));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  ackLatency.sort((a, b) => a - b);
  return { linesPerS: acked / elapsed, acked, refused, acks, ackP50: pct(ackLatency, 50), ackP99: pct(ackLatency, 99) };
}

async function once(withTails: boolean, rate: number | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-bench-tail-'));
  const httpPort = await freePort();
  const env = { DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(httpPort), DRIFTWOOD_SYSLOG_PORT: '0' };
  const drainToken = /drains\/(\S+)/.exec(await cli(['drain', 'add', 'bench'], env))![1]!;
  await cli(['user', 'add', 'bench@example.com', '--admin', '--password-stdin'], env, 'bench tail password 2026\n');
  const apiToken = (await cli(['token', 'add', 'bench', '--user', 'bench@example.com'], env)).trim().split('\n').pop()!;
  const server = await startServer(env);
  try {
    const tails = withTails ? await Promise.all(QUERIES.slice(0, TAILS).map((q) => openTail(httpPort, apiToken, q))) : [];
    const serverCpu0 = cpuSeconds(server.pid!);
    const clientCpu0 = process.cpuUsage();
    const r = await ingest(httpPort, drainToken, SECONDS, rate);
    const serverCpu = (cpuSeconds(server.pid!) - serverCpu0) / SECONDS;
    const c = process.cpuUsage(clientCpu0);
    const clientCpu = (c.user + c.system) / 1e6 / SECONDS;
    await new Promise((res) => setTimeout(res, 1000)); // the last batches reach the clients
    const latencies: number[] = [];
    let late = 0;
    for (const t of tails) {
      for (const [batch, at] of t.arrivals) {
        const ack = r.acks.get(batch);
        if (ack === undefined) continue; // a batch that was not acknowledged (refused)
        if (at < ack) late++; // pushed to the client before the 204 reached this process
        latencies.push(Math.max(0, at - ack));
      }
      t.ws.close();
    }
    latencies.sort((a, b) => a - b);
    const delivered = latencies.length;
    const skipped = tails.reduce((n, t) => n + t.skipped, 0);
    const skippedBy = tails.map((t, i) => [QUERIES[i]!, t.skipped] as const).filter(([, n]) => n > 0);
    return { ...r, p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? NaN, delivered, skipped, skippedBy, beforeAck: late, serverCpu, clientCpu };
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${SECONDS} s per run, median of ${RUNS}; ${TAILS} tails; load average at start ${loadavg()[0]!.toFixed(1)}`);
for (const rate of [RATE, undefined]) {
  const base: Awaited<ReturnType<typeof once>>[] = [];
  const tailed: Awaited<ReturnType<typeof once>>[] = [];
  for (let r = 0; r < RUNS; r++) {
    base.push(await once(false, rate));
    tailed.push(await once(true, rate));
    const [b, t] = [base.at(-1)!, tailed.at(-1)!];
    console.error(`run ${r + 1}/${RUNS} ${rate ?? 'unpaced'} (load average ${loadavg()[0]!.toFixed(1)}): ${f0(b.linesPerS)} vs ${f0(t.linesPerS)} lines/s; tail p50 ${f1(t.p50)} p99 ${f1(t.p99)} ms; skipped ${t.skipped} ${JSON.stringify(t.skippedBy)}`);
  }
  const m = (xs: typeof base, f: (x: (typeof base)[number]) => number) => median(xs.map(f));
  const label = rate ? `paced at ${rate} lines/s` : 'unpaced (8 requests in flight)';
  const rateB = m(base, (x) => x.linesPerS);
  const rateT = m(tailed, (x) => x.linesPerS);
  console.log(`\ningest ${label}:`);
  console.log(`  without tails: ${f0(rateB)} lines/s acknowledged, drain ack p50 ${f1(m(base, (x) => x.ackP50))} ms p99 ${f1(m(base, (x) => x.ackP99))} ms; CPU: server ${f0(m(base, (x) => x.serverCpu) * 100)} %, bench ${f0(m(base, (x) => x.clientCpu) * 100)} %`);
  console.log(
    `  with ${TAILS} tails: ${f0(rateT)} lines/s acknowledged (${f1((rateT / rateB - 1) * 100)} %), drain ack p50 ${f1(m(tailed, (x) => x.ackP50))} ms p99 ${f1(m(tailed, (x) => x.ackP99))} ms; ` +
      `CPU: server ${f0(m(tailed, (x) => x.serverCpu) * 100)} %, bench ${f0(m(tailed, (x) => x.clientCpu) * 100)} %`,
  );
  console.log(
    `  tail latency ack → client: p50 ${f1(m(tailed, (x) => x.p50))} ms, p99 ${f1(m(tailed, (x) => x.p99))} ms, max ${f1(m(tailed, (x) => x.max))} ms; ` +
      `${f0(m(tailed, (x) => x.delivered))} deliveries per run (${f0(m(tailed, (x) => x.beforeAck))} before the ack), skipped ${f0(m(tailed, (x) => x.skipped))}`,
  );
}
