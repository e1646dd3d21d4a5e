// bench/overview: GET /api/v1/searches/overview.json (the saved-searches screen, issue 12) with
// 500 saved searches, each with a 1-minute alert and a day of its runs (720,000 run rows), and
// 500 more without alerts (their sparklines counted in the store) over N events in the last 24 h.
//   npx tsx bench/overview.ts [events=1000000] [repetitions=10]
// The data directory is built once into .bench/overview-N (delete it to rebuild).
import { existsSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../server/store/index.ts';
import { quantile, serveBench } from './serve.ts';
import type { RunCommit } from '../server/store/alerts.ts';
import type { NewEvent } from '../server/store/types.ts';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const REPS = Number(process.argv[3] ?? 10);
const SEARCHES = 500;
const DIR = join(process.cwd(), '.bench', `overview-${N}`);
const NOW = Date.now();
const DAY_MS = 86_400_000;
const WORDS = ['error', 'timeout', 'H12', 'payment', 'session', 'cache', 'login', 'status=500', 'GET', 'POST'];
const FILL_REQUESTS = 40; // requests made to fill in the sparklines before the steady-state timing

function build(): void {
  rmSync(DIR, { recursive: true, force: true });
  const store = openStore(DIR);
  resetSeed(7);
  for (let i = 0; i < N; i += 20_000) {
    const events: NewEvent[] = [];
    for (let k = i; k < Math.min(N, i + 20_000); k++) {
      const message = herokuMessage(k);
      events.push({ receivedMs: NOW - DAY_MS + Math.floor((k / N) * DAY_MS), sourceIp: '10.0.0.1', systemName: `app-${k % 20}`, hostname: `app-${k % 20}`, program: 'app/web.1', severity: 6, facility: 23, generatedAt: null, message, fields: {}, flags: [] });
    }
    store.append([{ events }]);
  }
  const user = store.users.create('bench@example.test', 'admin', 'scrypt-unused', NOW)!;
  store.apiTokens.create(user.id, 'bench', NOW);
  for (let s = 0; s < 2 * SEARCHES; s++) {
    const search = store.searches.create({ name: `search ${s}`, query: `${WORDS[s % WORDS.length]} app-${s % 20}`, group_id: null }, NOW - DAY_MS);
    if (s >= SEARCHES) continue; // the second half has no alert
    store.alerts.create({ search_id: search.id, frequency: '1m', condition: { type: 'at_least', count: 1 }, email_to: ['ops@example.test'], webhook_url: null, webhook_counts_only: false, timezone: 'UTC', enabled: true }, { lastId: 0, nowMs: NOW - DAY_MS });
  }
  // A day of minute rounds: every alert runs once a minute, as the scheduler commits them.
  const alerts = store.alerts.list();
  const cursors = new Map(alerts.map((a) => [a.id, 0]));
  for (let m = 1; m <= 1440; m++) {
    const ranMs = NOW - DAY_MS + m * 60_000;
    const commits: RunCommit[] = alerts.map((a) => {
      const after = cursors.get(a.id)!;
      cursors.set(a.id, after + 1);
      const matched = (a.id * 7 + m) % 5;
      return { run: { alert_id: a.id, kind: 'scheduled', ran_ms: ranMs, after_id: after, through_id: after + 1, since_ms: ranMs - 60_000, late: false, query: store.searches.find(a.search_id)!.query, group_id: null, matched, fired: matched > 0, error: null }, deliveries: matched > 0 ? [{ channel: 'email', status: 'sent', attempts: 1, next_ms: null, detail: '250 OK' }] : [], advance: true };
    });
    store.alerts.commitRuns(commits);
  }
  store.close();
}

if (!existsSync(join(DIR, 'driftwood.sqlite'))) build();
const store = openStore(DIR);
const token = store.apiTokens.create(store.users.find('bench@example.test')!.id, 'bench', Date.now()).secret;
store.close();

const server = await serveBench(DIR, token);
async function get(): Promise<{ ms: number; nulls: number; bytes: number }> {
  const { ms, text } = await server.get('/api/v1/searches/overview.json');
  const body = JSON.parse(text) as { searches: { sparkline: (number | null)[] }[] };
  return { ms, nulls: body.searches.reduce((n, s) => n + s.sparkline.filter((c) => c === null).length, 0), bytes: text.length };
}
const first = await get();
const fill: number[] = [first.ms];
let last = first;
while (last.nulls > 0 && fill.length < FILL_REQUESTS) fill.push((last = await get()).ms);
const warm: number[] = [];
for (let r = 0; r < REPS; r++) warm.push((await get()).ms);
await server.stop();
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${N} events in 24 h; ${SEARCHES} searches with a 1-minute alert (${SEARCHES * 1440} runs), ${SEARCHES} without`);
console.log(`first request (cold: reads 25 h of runs): ${first.ms.toFixed(0)} ms, ${first.nulls} of ${2 * SEARCHES * 24} sparkline hours still unknown, ${(first.bytes / 1024).toFixed(0)} KiB`);
console.log(`after ${fill.length} requests (max ${Math.max(...fill).toFixed(0)} ms each): ${last.nulls} hours unknown`);
console.log(`then: p50 ${quantile(warm, 0.5).toFixed(0)} ms, p95 ${quantile(warm, 0.95).toFixed(0)} ms over ${REPS} requests`);
