// bench/tail-scan: what a search costs over the rows not yet in the full-text index, the part that
// grows while ingesting (store/unindexed.ts): in process, the newest-100 page of a rare word (it
// holds an `i`, so the text screen also has U+0130 and the Kelvin sign to rule out) over ROWS
// unique Heroku-like rows committed by the writer and not indexed. Checkouts side by side (A/B),
// their runs alternating; each checkout's own store code, the same lines.
//   npx tsx bench/tail-scan.ts [rows=7000] [runs=4] [checkout…]   (default: this checkout)
// For an older checkout: git archive <commit> | tar -x -C /tmp/a; ln -s "$PWD/node_modules" /tmp/a/
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

const ROWS = Number(process.argv[2] ?? 7000);
const RUNS = Number(process.argv[3] ?? 4);
const CHECKOUTS = process.argv.length > 4 ? process.argv.slice(4).map((d) => resolve(d)) : [new URL('../', import.meta.url).pathname];
const PAGES = 300;
const QUERY = 'zanzibarquux'; // in none of the lines: every row goes through the screen
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!;

/** One store of ROWS unindexed rows in `checkout`'s code; the page's p50 and p10 in ms. */
async function once(checkout: string): Promise<{ p50: number; p10: number }> {
  const { openStore } = await import(join(checkout, 'server/store/index.ts'));
  const { EventWriter } = await import(join(checkout, 'server/store/events.ts'));
  const { parse } = await import(join(checkout, 'shared/query/index.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'driftwood-bench-tail-scan-'));
  const store = openStore(dir);
  try {
    const writer = new EventWriter(store.partitions, store.systems); // commits; nothing indexes
    resetSeed(3);
    const at = Date.now() - 60_000;
    for (let i = 0; i < ROWS; i += 1000) {
      const events = Array.from({ length: Math.min(1000, ROWS - i) }, (_, k) => ({
        receivedMs: at + i + k, sourceIp: '10.0.0.7', systemName: 'web-1', hostname: 'web-1', program: 'app/web.1',
        severity: 6, facility: 23, generatedAt: null, message: herokuMessage(i + k), fields: {}, flags: [],
      }));
      writer.write([{ events }]);
    }
    const parsed = parse(QUERY);
    const filter = store.compile(parsed.ast);
    const times: number[] = [];
    for (let r = 0; r < PAGES; r++) {
      const t = performance.now();
      store.searcher.page({ filter, direction: 'newest', limit: 100, deadlineMs: Infinity, now: Date.now });
      times.push(performance.now() - t);
    }
    return { p50: q(times, 0.5), p10: q(times, 0.1) };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; load ${loadavg()[0]!.toFixed(1)}; ${ROWS} rows not indexed, ${PAGES} pages of "${QUERY}" a run`);
const results = new Map<string, { p50: number; p10: number }[]>(CHECKOUTS.map((c) => [c, []]));
for (let run = 0; run < RUNS; run++) {
  for (const c of run % 2 ? [...CHECKOUTS].reverse() : CHECKOUTS) results.get(c)!.push(await once(c));
}
for (const [c, rs] of results) {
  console.log(`${c}: page p50 ${rs.map((r) => r.p50.toFixed(3)).join(' / ')} ms (p10 ${rs.map((r) => r.p10.toFixed(3)).join(' / ')})`);
}
