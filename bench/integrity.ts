// bench/integrity: what tamper evidence costs (docs/BENCHMARKS.md, "Integrity").
//   npx tsx bench/integrity.ts [events=200000] [runs=5]
//   BASELINE_DIR=/path/to/a/checkout/without/hashes: also the writer of that checkout, interleaved
// 1. The writer's work per event (the writer thread is the ingest ceiling): EventWriter.write of
//    unique Heroku lines in 2,000-event batches, as the pipeline flushes them, with the hash chain,
//    and (BASELINE_DIR) the same code before it; CPU time of this thread, runs interleaved A/B/A/B.
//    Also the hashing alone (BatchHasher), per event.
// 2. `verify`: events checked per second of CPU, one thread.
// 3. Archiving one day (DROP_EVENTS, default 5,000,000, rows made in SQL), then retention dropping
//    it: seconds.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { attribute } from '../server/ingest/attribute.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { archiveDay, archivePath } from '../server/store/archive.ts';
import { BatchHasher } from '../server/store/chain.ts';
import { extraFieldsObject, toRow } from '../server/store/codec.ts';
import { openStore } from '../server/store/index.ts';
import { EventWriter } from '../server/store/events.ts';
import { enforceRetention } from '../server/store/retention.ts';
import type { NewEvent } from '../server/store/types.ts';
import { verifyStore } from '../server/store/verify.ts';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

const EVENTS = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.argv[3] ?? 5);
const DROP_EVENTS = Number(process.env.DROP_EVENTS ?? 5_000_000);
const BATCH = 2000;
const START = Date.parse('2026-05-30T08:00:00Z');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

resetSeed(1);
const now = new Date(START);
// As the writer thread gets them (store/writer.ts fromWire): parsed, attributed, own fields known.
const events: NewEvent[] = Array.from({ length: EVENTS }, (_, i) => {
  const e = attribute(parseSyslog(Buffer.from(herokuMessage(i)), { now, timeZone: 'UTC', maxMessageBytes: 65536, heroku: true }), { ip: '10.0.0.1', drainName: 'bench' }, START + Math.floor(i / 20));
  return { receivedMs: e.receivedMs, sourceIp: e.sourceIp, systemName: e.systemName, hostname: e.hostname, program: e.program, severity: e.severity, facility: e.facility, generatedAt: e.generatedAt, message: e.message, fields: {}, ownFields: extraFieldsObject(e.message, e.fields), flags: e.flags };
});

interface StoreModule {
  openStore: typeof openStore;
  EventWriter: typeof EventWriter;
}
const variants: { name: string; load: () => Promise<StoreModule> }[] = [{ name: 'with hashes', load: async () => ({ openStore, EventWriter }) }];
if (process.env.BASELINE_DIR) {
  const base = process.env.BASELINE_DIR;
  variants.push({
    name: `baseline (${base})`,
    load: async () => ({ openStore: (await import(join(base, 'server/store/index.ts'))).openStore, EventWriter: (await import(join(base, 'server/store/events.ts'))).EventWriter }),
  });
}

/** CPU ms per 1,000 events of EventWriter.write, and the data dir it filled. */
async function writerRun(m: StoreModule): Promise<{ cpuPerK: number; wallPerK: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-integrity-'));
  const store = m.openStore(dir);
  const writer = new m.EventWriter(store.partitions, store.systems);
  writer.write([{ events: events.slice(0, BATCH) }]); // statements prepared, day file made
  const c0 = cpuMs();
  const w0 = performance.now();
  for (let i = BATCH; i < EVENTS; i += BATCH) writer.write([{ events: events.slice(i, i + BATCH) }]);
  const cpu = cpuMs() - c0;
  const wall = performance.now() - w0;
  store.close();
  const n = EVENTS - BATCH;
  return { cpuPerK: (cpu / n) * 1000, wallPerK: (wall / n) * 1000, dir };
}

const modules = await Promise.all(variants.map((v) => v.load()));
const cpu: number[][] = variants.map(() => []);
const wall: number[][] = variants.map(() => []);
const verifyRates: number[] = [];
for (let r = 0; r < RUNS; r++) {
  for (let v = 0; v < variants.length; v++) {
    const run = await writerRun(modules[v]!);
    cpu[v]!.push(run.cpuPerK);
    wall[v]!.push(run.wallPerK);
    if (v === 0) {
      const store = openStore(run.dir);
      const c0 = cpuMs();
      const report = verifyStore(store.partitions);
      const spent = cpuMs() - c0;
      if (report.problem || report.events !== EVENTS) throw new Error(`verify: ${JSON.stringify(report.problem)} ${report.events}`);
      verifyRates.push(report.events / (spent / 1000));
      store.close();
    }
    rmSync(run.dir, { recursive: true, force: true });
  }
  console.error(`run ${r + 1}/${RUNS}: ${variants.map((v, i) => `${v.name} ${cpu[i]!.at(-1)!.toFixed(1)} ms CPU/1k events`).join(', ')}; verify ${verifyRates.at(-1)!.toFixed(0)} events/s`);
}

// The hashing alone: salts, leaves, tags and the batch hash, per event.
const rows = events.map((e, i) => toRow(i + 1, 1, 'bench', e));
const hashOnly: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const c0 = cpuMs();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const h = new BatchHasher(Math.min(BATCH, EVENTS - i));
    for (let k = i; k < Math.min(i + BATCH, EVENTS); k++) h.add(rows[k]!);
    h.seal({ run: () => undefined }, '2026-05-30', 1, '0'.repeat(64));
  }
  hashOnly.push(((cpuMs() - c0) / EVENTS) * 1000);
}

// Dropping a day of DROP_EVENTS rows (made in SQL: the cost of unlinking does not depend on their text).
const dropDir = mkdtempSync(join(tmpdir(), 'dw-drop-'));
const dropStore = openStore(dropDir);
const dropDay = '2026-04-01';
new EventWriter(dropStore.partitions, dropStore.systems).write([{ events: events.slice(0, BATCH).map((e) => ({ ...e, receivedMs: Date.parse(`${dropDay}T00:00:00Z`) })) }]);
const db = dropStore.partitions.existingWriter(dropDay)!;
db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${DROP_EVENTS - BATCH})
  INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, salt, pos)
  SELECT (SELECT max(id) FROM events) + i, 1, NULL, '10.0.0.1', NULL, 'app/web.1', 190, printf('%s %d', '${events[0]!.message.replace(/'/g, "''")}', i), NULL, 0, randomblob(16), (SELECT max(pos) FROM events) + i FROM n`);
// A day weeks old: its handles long closed, its WAL checkpointed into the file (closing does that).
dropStore.close();
const reopened = openStore(dropDir);
// Archiving it (DRIFTWOOD_ARCHIVE_DIR) before retention may delete it.
const a0 = performance.now();
await archiveDay(reopened.partitions, (id) => reopened.systems.nameOf(id), dropDay, join(dropDir, 'archives'));
const archiveS = (performance.now() - a0) / 1000;
const archiveMb = (statSync(archivePath(join(dropDir, 'archives'), dropDay)).size / 2 ** 20).toFixed(0);
const fileMb = (reopened.partitions.bytesOnDisk() / 2 ** 20).toFixed(0);
const d0 = performance.now();
const removed = enforceRetention(reopened.partitions, { retentionDays: 30 }, Date.parse('2026-05-30T12:00:00Z'));
const dropS = (performance.now() - d0) / 1000;
reopened.close();
rmSync(dropDir, { recursive: true, force: true });
if (removed[0] !== dropDay) throw new Error(`retention removed ${removed.join(',')}`);

const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average at the end ${load}`);
console.log(`${EVENTS} unique Heroku lines, ${BATCH}-event batches, median of ${RUNS} interleaved runs`);
variants.forEach((v, i) => console.log(`writer ${v.name}: ${median(cpu[i]!).toFixed(1)} ms CPU per 1,000 events (${(1e6 / median(cpu[i]!)).toFixed(0)} events/s of CPU), wall ${median(wall[i]!).toFixed(1)} ms; runs ${cpu[i]!.map((x) => x.toFixed(1)).join(' ')}`));
if (variants.length > 1) console.log(`writer cost of the hashes: ${((median(cpu[0]!) / median(cpu[1]!) - 1) * 100).toFixed(1)} % CPU per event`);
console.log(`hashing alone (salts, leaves, tags, batch hash): ${median(hashOnly).toFixed(2)} µs per event`);
console.log(`verify: ${median(verifyRates).toFixed(0)} events/s of CPU (runs ${verifyRates.map((x) => x.toFixed(0)).join(' ')})`);
console.log(`archiving that day (gzip TSV, ${archiveMb} MB): ${archiveS.toFixed(1)} s (${(DROP_EVENTS / archiveS).toFixed(0)} events/s)`);
console.log(`retention dropping a day of ${DROP_EVENTS} events (${fileMb} MB): ${dropS.toFixed(3)} s`);
