// bench/systems: GET /api/v1/systems.json?include=activity (the systems screen, issue 12) with
// 2,000 systems that each send every minute: per hour, 120,000 per-minute count rows to sum.
//   npx tsx bench/systems.ts [hours=3] [repetitions=10]
// The data directory is built once into .bench/systems-H (delete it to rebuild).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import net from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../server/store/index.ts';
import type { NewEvent } from '../server/store/types.ts';

const HOURS = Number(process.argv[2] ?? 3);
const REPS = Number(process.argv[3] ?? 10);
const SYSTEMS = 2000;
const DIR = join(process.cwd(), '.bench', `systems-${HOURS}`);
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

if (!existsSync(join(DIR, 'driftwood.sqlite'))) {
  rmSync(DIR, { recursive: true, force: true });
  const store = openStore(DIR);
  const start = Date.now() - HOURS * 3_600_000;
  for (let m = 0; m < HOURS * 60; m++) {
    const events: NewEvent[] = Array.from({ length: SYSTEMS }, (_, s) => ({ receivedMs: start + m * 60_000 + s, sourceIp: `10.0.${s >> 8}.${s & 255}`, systemName: `host-${s}`, hostname: `host-${s}`, program: 'cron', severity: 6, facility: 9, generatedAt: null, message: `tick ${m}`, fields: {}, flags: [] }));
    store.append([{ events }]);
  }
  const user = store.users.create('bench@example.test', 'admin', 'scrypt-unused', Date.now())!;
  store.apiTokens.create(user.id, 'bench', Date.now());
  store.close();
}
const store = openStore(DIR);
const token = store.apiTokens.create(store.users.find('bench@example.test')!.id, 'bench', Date.now()).secret;
store.close();

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
const server = spawn(process.execPath, [new URL('../bin/driftwood.js', import.meta.url).pathname, 'serve'], {
  env: { ...process.env, DRIFTWOOD_DATA_DIR: DIR, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' },
  stdio: ['ignore', 'pipe', 'ignore'],
});
await new Promise<void>((resolve) => server.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
async function get(): Promise<{ ms: number; systems: number; unknown: number; bytes: number }> {
  const t = performance.now();
  const text = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/api/v1/systems.json?include=activity', agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
  const ms = performance.now() - t;
  const body = JSON.parse(text) as { volume: (number | null)[] }[];
  return { ms, systems: body.length, unknown: body.reduce((n, s) => n + s.volume.filter((v) => v === null).length, 0), bytes: text.length };
}
const first = await get();
const warm: number[] = [];
for (let r = 0; r < REPS; r++) warm.push((await get()).ms);
agent.destroy();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${SYSTEMS} systems sending every minute for ${HOURS} h`);
console.log(`first request (reads every hour): ${first.ms.toFixed(0)} ms, ${first.systems} systems, ${first.unknown} hours unknown, ${(first.bytes / 1024).toFixed(0)} KiB`);
console.log(`then (the hour in progress only): p50 ${q(warm, 0.5).toFixed(0)} ms, p95 ${q(warm, 0.95).toFixed(0)} ms over ${REPS} requests`);
