// bench/integrity: what tamper evidence costs (docs/BENCHMARKS.md, "Integrity").
//   npx tsx bench/integrity.ts [events=200000] [runs=5]
//   BASELINE_DIR=/path/to/a/checkout/without/hashes: also the writer of that checkout, interleaved
// 1. The writer's work per event (the writer thread is the ingest ceiling): EventWriter.write of
//    unique Heroku lines in 2,000-event batches, as the pipeline flushes them, with the hash chain,
//    and (BASELINE_DIR) the same code before it; CPU time of this thread, runs interleaved A/B/A/B.
// 2. `verify`: events checked per second of CPU, one thread.
// 3. Hashing alone (BatchHasher), per event.
// 4. Archiving a finished day (DAY_EVENTS, default 10,000,000, rows made in SQL), alone: seconds.
// 5. Ingest (the writer and index threads fed with freshly parsed unique lines) for INGEST_SECONDS
//    (default 4) with no archive running, then while a day of BUSY_DAY_EVENTS (default 1,000,000)
//    is archived, interleaved ARCHIVE_RUNS (default 7) times, each round starting with the next case;
//    ARCHIVE_BASELINE_DIR (checkouts, comma-separated): also while each one's archiving runs.
// 6. Retention removing a day of DROP_EVENTS (default 5,000,000), and the DAY_EVENTS day: seconds.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { attribute } from '../server/ingest/attribute.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { archiveDay, archivePath } from '../server/store/archive.ts';
import { pack } from '../server/store/packed.ts';
import { ThreadedWriter } from '../server/store/writer.ts';
import { BatchHasher } from '../server/store/chain.ts';
import { extraFieldsObject, toRow } from '../server/store/codec.ts';
import { openDb } from '../server/store/db.ts';
import { openStore } from '../server/store/index.ts';
import { EventWriter } from '../server/store/events.ts';
import type { NewEvent } from '../server/store/types.ts';
import { verifyStore } from '../server/store/verify.ts';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

const EVENTS = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.argv[3] ?? 5);
const DAY_EVENTS = Number(process.env.DAY_EVENTS ?? 10_000_000);
const INGEST_SECONDS = Number(process.env.INGEST_SECONDS ?? 4);
const ARCHIVE_RUNS = Number(process.env.ARCHIVE_RUNS ?? 7);
const BUSY_DAY_EVENTS = Number(process.env.BUSY_DAY_EVENTS ?? 1_000_000);
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
// As the writer thread gets them (store/packed.ts): parsed, attributed, own fields known.
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

interface ArchiveModule {
  archiveDay: typeof archiveDay;
}
const archiveModules: { name: string; module: ArchiveModule }[] = [{ name: 'archiving', module: { archiveDay } }];
for (const base of (process.env.ARCHIVE_BASELINE_DIR ?? '').split(',').filter(Boolean)) {
  archiveModules.push({ name: `archiving as in ${base}`, module: (await import(join(base, 'server/store/archive.ts'))) as ArchiveModule });
}
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
// The texts as the pipeline hands them to the writer (store/packed.ts), packed on the main thread.
const rows = events.map((e, i) => toRow(i + 1, 1, 'bench', e));
const submissions = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, b) => pack(events.slice(b * BATCH, (b + 1) * BATCH)));
const hashOnly: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const c0 = cpuMs();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const h = new BatchHasher(Math.min(BATCH, EVENTS - i));
    for (let k = i; k < Math.min(i + BATCH, EVENTS); k++) h.add(rows[k]!, submissions[i / BATCH]!, k - i);
    h.seal({ run: () => undefined }, '2026-05-30', 1, '0'.repeat(64));
  }
  hashOnly.push(((cpuMs() - c0) / EVENTS) * 1000);
}

// Finished days of unique messages of a Heroku line's length, made in SQL; their full-text
// indexes are marked complete (archives do not read them; indexing 10M rows would take minutes and
// run into the ingest measurements below).
const dayDir = mkdtempSync(join(tmpdir(), 'dw-day-'));
const dayStore = openStore(dayDir);
function makeDay(day: string, n: number): void {
  new EventWriter(dayStore.partitions, dayStore.systems).write([{ events: events.slice(0, BATCH).map((e) => ({ ...e, receivedMs: Date.parse(`${day}T00:00:00Z`) })) }]);
  const db = dayStore.partitions.existingWriter(day)!;
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - BATCH})
    INSERT INTO events (id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, salt, pos)
    SELECT (SELECT max(id) FROM events) + i, 1, NULL, '10.0.0.1', NULL, 'app/web.1', 190, printf('%s %d', '${events[0]!.message.replace(/'/g, "''")}', i), NULL, 0, randomblob(16), (SELECT max(pos) FROM events) + i FROM n`);
  const index = openDb(dayStore.partitions.indexPathOf(day), 'fts');
  index.prepare('UPDATE fts_progress SET indexed_through = ?').run(db.prepare('SELECT max(id) FROM events').pluck().get());
  index.close();
}
const bigDay = '2026-04-01';
const busyDay = '2026-04-02';
const dropDay = '2026-04-03';
makeDay(bigDay, DAY_EVENTS);
makeDay(busyDay, BUSY_DAY_EVENTS);
makeDay(dropDay, DROP_EVENTS);
// Days weeks old: their handles long closed, their WALs checkpointed into the files (closing does that).
dayStore.close();
const store = openStore(dayDir);
const archives = join(dayDir, 'archives');
const archiveOf = (m: ArchiveModule, day: string) => m.archiveDay(store.partitions, (id) => store.systems.nameOf(id), day, archives);

// 4. Archiving the big day alone: wall seconds.
const archiveAlone: number[] = [];
for (let r = 0; r < 3; r++) {
  const a0 = performance.now();
  await archiveOf(archiveModules[0]!.module, bigDay);
  archiveAlone.push((performance.now() - a0) / 1000);
  console.error(`archive alone ${r + 1}/3: ${archiveAlone.at(-1)!.toFixed(1)} s`);
}
const archiveMb = (statSync(archivePath(archives, bigDay)).size / 2 ** 20).toFixed(0);

// 5. Ingest while a day is archived: the server's writer and index threads, fed by this thread as
// the pipeline feeds them (unique lines parsed here, 2,000-event batches, two in flight): for
// INGEST_SECONDS with no archive running, then for as long as archiving the busy day takes (each
// archive variant), interleaved.
const ingestWriter = await ThreadedWriter.start(dayDir, store.systems);
let lineNo = EVENTS;
/** Events/s committed until `done` settles (an archive), or for INGEST_SECONDS. */
async function ingestRate(done?: Promise<unknown>): Promise<number> {
  let finished = false;
  if (done) void done.then(() => (finished = true));
  else setTimeout(() => (finished = true), INGEST_SECONDS * 1000);
  const inFlight: Promise<unknown>[] = [];
  let n = 0;
  const t0 = performance.now();
  while (!finished) {
    const batch = Array.from({ length: BATCH }, () => {
      const i = lineNo++;
      return attribute(parseSyslog(Buffer.from(herokuMessage(i)), { now, timeZone: 'UTC', maxMessageBytes: 65536, heroku: true }), { ip: '10.0.0.1', drainName: 'bench' }, START + Math.floor(i / 20));
    });
    inFlight.push(ingestWriter.commit([pack(batch)]));
    if (inFlight.length >= 2) await inFlight.shift();
    n += BATCH;
  }
  await Promise.all(inFlight);
  return n / ((performance.now() - t0) / 1000);
}
await ingestRate(); // warm-up: compiled code, the threads' statements, today's files
const ingest: Record<string, number[]> = { 'no archive': [] };
const archiveBusy: Record<string, number[]> = {};
for (const a of archiveModules) {
  ingest[a.name] = [];
  archiveBusy[a.name] = [];
}
// Each round starts with the next case (no archive, then each variant), so that none always runs
// first, into what the previous case left (the other developers' load drifts too).
const cases: (ArchiveModule | undefined)[] = [undefined, ...archiveModules.map((a) => a.module)];
for (let r = 0; r < ARCHIVE_RUNS; r++) {
  for (let k = 0; k < cases.length; k++) {
    const c = (r + k) % cases.length;
    const m = cases[c];
    if (m === undefined) {
      ingest['no archive']!.push(await ingestRate());
      continue;
    }
    const name = archiveModules[c - 1]!.name;
    const a0 = performance.now();
    ingest[name]!.push(await ingestRate(archiveOf(m, busyDay)));
    archiveBusy[name]!.push((performance.now() - a0) / 1000);
  }
  console.error(`ingest ${r + 1}/${ARCHIVE_RUNS}: ${Object.entries(ingest).map(([k, v]) => `${k} ${v.at(-1)!.toFixed(0)}/s${archiveBusy[k] ? ` (archive ${archiveBusy[k]!.at(-1)!.toFixed(1)} s)` : ''}`).join(', ')}; load ${loadavg()[0]!.toFixed(1)}`);
}
await ingestWriter.close();

// 6. Retention removing days (its step per day: the tombstone in the manifest, then the files): seconds.
const dropSeconds = (day: string) => {
  const mb = (statSync(store.partitions.pathOf(day)).size / 2 ** 20).toFixed(0);
  const d0 = performance.now();
  store.partitions.drop(day, Date.parse('2026-05-30T12:00:00Z'));
  return { mb, s: (performance.now() - d0) / 1000 };
};
const dropped = dropSeconds(dropDay);
const droppedBig = dropSeconds(bigDay);
store.close();
rmSync(dayDir, { recursive: true, force: true });

const load = loadavg()[0]!.toFixed(1);
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average at the end ${load}`);
console.log(`${EVENTS} unique Heroku lines, ${BATCH}-event batches, median of ${RUNS} interleaved runs`);
variants.forEach((v, i) => console.log(`writer ${v.name}: ${median(cpu[i]!).toFixed(1)} ms CPU per 1,000 events (${(1e6 / median(cpu[i]!)).toFixed(0)} events/s of CPU), wall ${median(wall[i]!).toFixed(1)} ms; runs ${cpu[i]!.map((x) => x.toFixed(1)).join(' ')}`));
if (variants.length > 1) console.log(`writer cost of the hashes: ${((median(cpu[0]!) / median(cpu[1]!) - 1) * 100).toFixed(1)} % CPU per event`);
console.log(`hashing alone (salts, leaves, tags, batch hash): ${median(hashOnly).toFixed(2)} µs per event`);
console.log(`verify: ${median(verifyRates).toFixed(0)} events/s of CPU (runs ${verifyRates.map((x) => x.toFixed(0)).join(' ')})`);
console.log(`archiving a day of ${DAY_EVENTS} events (gzip TSV, ${archiveMb} MB), nothing else running: ${median(archiveAlone).toFixed(1)} s (runs ${archiveAlone.map((x) => x.toFixed(1)).join(' ')})`);
const quiet = median(ingest['no archive']!);
for (const [k, v] of Object.entries(ingest)) console.log(`ingest (writer and index threads, lines parsed here), ${k}: ${median(v).toFixed(0)} events/s (${((median(v) / quiet - 1) * 100).toFixed(1)} %; runs ${v.map((x) => x.toFixed(0)).join(' ')})${archiveBusy[k] ? `; the ${BUSY_DAY_EVENTS}-event archive took ${median(archiveBusy[k]!).toFixed(1)} s` : ''}`);
console.log(`retention dropping a day of ${DROP_EVENTS} events (${dropped.mb} MB): ${dropped.s.toFixed(3)} s; the day of ${DAY_EVENTS} (${droppedBig.mb} MB): ${droppedBig.s.toFixed(3)} s`);
