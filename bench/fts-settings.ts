// bench/fts-settings: the bare insert loop of bench/ingest (same rows, same day schema) under the
// FTS5 and SQLite settings we weighed, at drain-sized (400 rows) and TCP-sized (10,000 rows)
// commits. Over a long enough run FTS5's segment merges show, which a short one hides.
//   npx tsx bench/fts-settings.ts [seconds=30]
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attribute } from '../server/ingest/attribute.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { toRow } from '../server/store/codec.ts';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

const SECONDS = Number(process.argv[2] ?? 30);
const DAY_SCHEMA = new URL('../server/store/migrations/day/0001_init.sql', import.meta.url);

interface Variant {
  name: string;
  automerge: number;
  prefixIndex: boolean;
  synchronous: 'FULL' | 'NORMAL';
}
const VARIANTS: Variant[] = [
  { name: 'FTS5 default (automerge 4)', automerge: 4, prefixIndex: true, synchronous: 'FULL' },
  { name: 'automerge 16 (day/0003)', automerge: 16, prefixIndex: true, synchronous: 'FULL' },
  { name: 'automerge 16, no prefix index', automerge: 16, prefixIndex: false, synchronous: 'FULL' },
  { name: 'automerge 16, synchronous=NORMAL', automerge: 16, prefixIndex: true, synchronous: 'NORMAL' },
];

resetSeed(7);
const now = new Date();
const rows = Array.from({ length: 20_000 }, (_, i) =>
  toRow(i, 1, 'bench', attribute(parseSyslog(Buffer.from(herokuMessage(i) + '\n'), { now, timeZone: 'UTC', maxMessageBytes: 65536, heroku: true }), { ip: '127.0.0.1', drainName: 'bench' }, 0)),
);

function run(v: Variant, rowsPerCommit: number): { rate: number; bytesPerRow: number } {
  const dir = mkdtempSync(join(tmpdir(), 'dw-fts-'));
  const db = new Database(join(dir, 'day.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${v.synchronous}`);
  const ddl = readFileSync(DAY_SCHEMA, 'utf8');
  db.exec(v.prefixIndex ? ddl : ddl.replace("prefix = '3', ", ''));
  db.exec(`INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', ${v.automerge})`); // FTS5 takes no bound value here
  const ins = db.prepare('INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const fts = db.prepare('INSERT INTO events_fts (rowid, program, message) VALUES (?, ?, ?)');
  let id = 0;
  const started = performance.now();
  while (performance.now() < started + SECONDS * 1000) {
    db.transaction(() => {
      for (let k = 0; k < rowsPerCommit; k++) {
        const r = rows[id % rows.length]!;
        ins.run(++id, r.system_id, r.generated_ms, r.source_ip, r.hostname, r.program, r.pri, r.message, r.extra, r.flags);
        fts.run(id, r.program, r.message);
      }
    })();
  }
  const rate = id / ((performance.now() - started) / 1000);
  db.close();
  const bytes = Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
  rmSync(dir, { recursive: true, force: true });
  return { rate, bytesPerRow: bytes / id };
}

console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, node ${process.version}; ${SECONDS} s per case`);
for (const rowsPerCommit of [400, 10_000]) {
  for (const v of VARIANTS) {
    const r = run(v, rowsPerCommit);
    console.log(`${String(rowsPerCommit).padStart(6)} rows/commit  ${v.name.padEnd(34)} ${Math.round(r.rate).toLocaleString('en-US').padStart(8)} rows/s  ${r.bytesPerRow.toFixed(0)} B/row`);
  }
}
