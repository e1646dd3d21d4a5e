// bench/index-batches: how fast the index thread adds committed rows to FTS5 (rows/s) with
// transactions of B rows (store/index-thread.ts INDEX_BATCH_ROWS), each B from an empty index
// file over the same unique Heroku-like rows, B interleaved across rounds.
//   npx tsx bench/index-batches.ts [rows=200000] [batches=1000,2500,10000] [rounds=2]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attribute } from '../server/ingest/attribute.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { openStore } from '../server/store/index.ts';
import { Partitions } from '../server/store/partitions.ts';
import { ftsRowidColumn } from '../server/store/positions.ts';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

const N = Number(process.argv[2] ?? 200_000);
const BATCHES = (process.argv[3] ?? '1000,2500,10000').split(',').map(Number);
const ROUNDS = Number(process.argv[4] ?? 2);
const DAY = '2026-05-30';

const dir = mkdtempSync(join(tmpdir(), 'driftwood-bench-index-'));
const store = openStore(dir);
resetSeed(3);
const now = new Date(`${DAY}T12:00:00Z`);
for (let i = 0; i < N; i += 5000) {
  const events = [];
  for (let k = i; k < Math.min(N, i + 5000); k++) {
    events.push(attribute(parseSyslog(herokuMessage(k), { now, timeZone: 'UTC', maxMessageBytes: 65536, heroku: true }), { ip: '10.0.0.1', drainName: 'app' }, now.getTime() + k));
  }
  store.append([{ events }]);
}
store.close();

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${N} rows; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (let round = 0; round < ROUNDS; round++) {
  for (const rowsPerTransaction of BATCHES) {
    // A deleted index file is made anew, empty (mark 0), when the day is opened (store/partitions.ts).
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, 'events', `${DAY}.fts.sqlite${suffix}`), { force: true });
    const partitions = new Partitions(dir);
    const db = partitions.indexer(DAY)!;
    // The statements of store/indexer.ts, with the transaction's size as the variable.
    const insert = db.prepare(`INSERT INTO events_fts (rowid, program, message) SELECT ${ftsRowidColumn(db)}, program, dw_plain(message) FROM events WHERE id > (SELECT indexed_through FROM fts_progress) ORDER BY id LIMIT ?`);
    const mark = db.prepare('UPDATE fts_progress SET indexed_through = coalesce((SELECT max(id) FROM (SELECT id FROM events WHERE id > indexed_through ORDER BY id LIMIT ?)), indexed_through)');
    const transactionMs: number[] = [];
    let total = 0;
    const started = performance.now();
    for (;;) {
      const t = performance.now();
      const n = db.transaction(() => {
        const n = insert.run(rowsPerTransaction).changes;
        mark.run(rowsPerTransaction);
        return n;
      })();
      transactionMs.push(performance.now() - t);
      total += n;
      if (n < rowsPerTransaction) break;
    }
    const seconds = (performance.now() - started) / 1000;
    transactionMs.sort((a, b) => a - b);
    const bytes = (db.pragma('fts.page_count', { simple: true }) as number) * (db.pragma('fts.page_size', { simple: true }) as number);
    console.log(
      `round ${round + 1}, ${rowsPerTransaction} rows a transaction: ${Math.round(total / seconds)} rows/s; transaction p50 ${transactionMs[transactionMs.length >> 1]!.toFixed(1)} ms, max ${transactionMs.at(-1)!.toFixed(1)} ms; index file ${(bytes / total).toFixed(0)} B/row`,
    );
    partitions.close();
  }
}
rmSync(dir, { recursive: true, force: true });
