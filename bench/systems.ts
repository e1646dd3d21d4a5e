// bench/systems: GET /api/v1/systems.json?include=activity (the systems screen, issue 12) with
// 2,000 systems that each send every minute: per hour, 120,000 per-minute count rows to sum.
//   npx tsx bench/systems.ts [hours=3] [repetitions=10]
// The data directory is built once into .bench/systems-H (delete it to rebuild).
import { existsSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../server/store/index.ts';
import { quantile, serveBench } from './serve.ts';
import type { NewEvent } from '../server/store/types.ts';

const HOURS = Number(process.argv[2] ?? 3);
const REPS = Number(process.argv[3] ?? 10);
const SYSTEMS = 2000;
const DIR = join(process.cwd(), '.bench', `systems-${HOURS}`);

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

const server = await serveBench(DIR, token);
async function get(): Promise<{ ms: number; systems: number; unknown: number; bytes: number }> {
  const { ms, text } = await server.get('/api/v1/systems.json?include=activity');
  const body = JSON.parse(text) as { volume: (number | null)[] }[];
  return { ms, systems: body.length, unknown: body.reduce((n, s) => n + s.volume.filter((v) => v === null).length, 0), bytes: text.length };
}
const first = await get();
const warm: number[] = [];
const unknownAfter: number[] = [];
for (let r = 0; r < REPS; r++) {
  const { ms, unknown } = await get();
  warm.push(ms);
  unknownAfter.push(unknown);
}
await server.stop();
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${SYSTEMS} systems sending every minute for ${HOURS} h`);
console.log(`first request (reads every hour): ${first.ms.toFixed(0)} ms, ${first.systems} systems, ${first.unknown} hours unknown, ${(first.bytes / 1024).toFixed(0)} KiB`);
console.log(`hours unknown after each later request: ${unknownAfter.join(', ')}`);
console.log(`then (the hour in progress only): p50 ${quantile(warm, 0.5).toFixed(0)} ms, p95 ${quantile(warm, 0.95).toFixed(0)} ms over ${REPS} requests`);
