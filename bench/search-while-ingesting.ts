// bench/search-while-ingesting: the newest-100 page of a rare word over HTTP while a drain sends
// unique Heroku-like lines at a steady rate (issue #13: p95 <= 20 ms at 30,000 lines/s), against the
// same query on the same server once ingest has stopped and the index caught up (same run).
//   npx tsx bench/search-while-ingesting.ts [rate=30000] [seconds=30] [runs=3]
// BENCH_BIN names another bundle (A/B runs of two builds: `tsx server/build.ts OUTDIR`).
// Rows committed but not yet in the full-text index are searched directly (store/unindexed.ts);
// this measures whether the index keeps up, or the unindexed tail stays small, under load.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../server/store/index.ts';
import { herokuMessage, octetFrame, resetSeed } from './heroku-lines.ts';
import { startCommand } from './start-command.ts';

const RATE = Number(process.argv[2] ?? 30_000);
const SECONDS = Number(process.argv[3] ?? 30);
const RUNS = Number(process.argv[4] ?? 3);
const LINES_PER_BODY = 100;
const IN_FLIGHT = 8;
const RARE = 'zanzibarquux';
const RARE_EVERY = 20_000; // lines
const QUERY_EVERY_MS = 50;
const BIN = process.env.BENCH_BIN ?? new URL('../server/dist/main.js', import.meta.url).pathname;
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function call(agent: Agent, port: number, path: string, opts: { method?: string; headers?: Record<string, string | number>; body?: Buffer } = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function once() {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwood-bench-swi-'));
  const store = openStore(dataDir);
  const user = store.users.create('bench@example.test', 'admin', 'scrypt-unused', Date.now())!;
  const apiToken = store.apiTokens.create(user.id, 'bench', Date.now()).secret;
  const drainToken = store.drains.create('bench-app', Date.now()).token;
  store.close();
  const port = await freePort();
  // As `npm start` runs it, unless BENCH_NODE_ARGS gives other flags (--cpu-prof).
  const start = startCommand();
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? start.nodeArgs;
  const server: ChildProcess = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
    env: { ...start.env, ...process.env, DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' },
    stdio: ['ignore', 'pipe', process.env.BENCH_SERVER_STDERR ? 'inherit' : 'ignore'],
  });
  await new Promise<void>((resolve) => server.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));
  const drainAgent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const searchAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const searchPath = `/api/v1/events/search.json?limit=100&q=${RARE}`;
  const timedSearch = async () => {
    const t = performance.now();
    const r = await call(searchAgent, port, searchPath, { headers: { authorization: `Bearer ${apiToken}` } });
    if (r.status !== 200) throw new Error(`search: ${r.status} ${r.text}`);
    return { ms: performance.now() - t, found: (JSON.parse(r.text) as { events: unknown[] }).events.length };
  };

  resetSeed(11);
  let line = 0;
  const body = () => {
    let text = '';
    for (let k = 0; k < LINES_PER_BODY; k++, line++) text += octetFrame(`${herokuMessage(line)}${line % RARE_EVERY === 7 ? ` ${RARE}` : ''}\n`);
    return Buffer.from(text);
  };
  const post = async () => {
    const b = body();
    const r = await call(drainAgent, port, `/drains/${drainToken}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1', 'content-length': b.length }, body: b });
    if (r.status !== 204) throw new Error(`drain: ${r.status}`);
  };

  // Ingest at RATE for SECONDS (bodies paced on a schedule, up to IN_FLIGHT at once) while one
  // client searches the rare word every QUERY_EVERY_MS.
  let acked = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const senders = Array.from({ length: IN_FLIGHT }, async () => {
    for (;;) {
      const due = started + ((acked + LINES_PER_BODY) / RATE) * 1000;
      const now = performance.now();
      if (now >= deadline) return;
      if (due > now) await new Promise((r) => setTimeout(r, due - now));
      acked += LINES_PER_BODY; // counted as sent before the await, so senders share the schedule
      await post();
    }
  });
  const during: number[] = [];
  let ingesting = true;
  const searcher = (async () => {
    while (ingesting) {
      during.push((await timedSearch()).ms);
      await new Promise((r) => setTimeout(r, QUERY_EVERY_MS));
    }
  })();
  await Promise.all(senders);
  const sentPerS = acked / ((performance.now() - started) / 1000);
  ingesting = false;
  await searcher;

  // Baseline, same server and data: ingest stopped, the index caught up.
  const expected = Math.floor((line - 8) / RARE_EVERY) + 1;
  for (let i = 0; i < 200; i++) {
    if ((await timedSearch()).found === Math.min(100, expected)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const quiet: number[] = [];
  for (let i = 0; i < 200; i++) quiet.push((await timedSearch()).ms);

  drainAgent.destroy();
  searchAgent.destroy();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  return { sentPerS, lines: line, during: { n: during.length, p50: q(during, 0.5), p95: q(during, 0.95), max: q(during, 1) }, quiet: { p50: q(quiet, 0.5), p95: q(quiet, 0.95) } };
}

if (!process.env.BENCH_BIN) execFileSync(process.execPath, ['--import', 'tsx', new URL('../server/build.ts', import.meta.url).pathname], { stdio: 'inherit' });
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; server ${BIN}; ${RATE} lines/s for ${SECONDS} s, rare word every ${RARE_EVERY} lines, searched every ${QUERY_EVERY_MS} ms`);
for (let r = 0; r < RUNS; r++) {
  const load = loadavg()[0]!.toFixed(1);
  const x = await once();
  console.log(
    `run ${r + 1} (load average ${load} before it): sent ${Math.round(x.sentPerS)} lines/s (${x.lines} lines); rare word newest-100 while ingesting: p50 ${x.during.p50.toFixed(1)} ms, p95 ${x.during.p95.toFixed(1)} ms, max ${x.during.max.toFixed(1)} ms (${x.during.n} searches); after, index caught up: p50 ${x.quiet.p50.toFixed(1)} ms, p95 ${x.quiet.p95.toFixed(1)} ms`,
  );
}
