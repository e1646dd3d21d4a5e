// Archives (DRIFTWOOD_ARCHIVE_DIR): each finished day's events as a gzip TSV in Papertrail's
// archive layout (integrity/tsv.ts), with a checksum file in sha256sum's format, before retention
// may delete the day. Written to a temporary name and renamed, the checksum last: a day is archived
// once its `.sha256` exists, and an archive cut short by a crash is written again at the next start.
// The writing runs in a process of its own at the lowest CPU priority (archive-process.ts).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { formatRow } from '../integrity/tsv.ts';
import type { LoweredPriority } from '../idle-priority.ts';
import { startProcess } from '../workers.ts';
import { BLOCK_ROWS } from './block-codec.ts';
import { hasBlocks, sealedBlocksAfter, storedRowsAfter } from './blocks.ts';
import { inSnapshot, openReadOnly, type Db } from './db.ts';
import { timeOfId } from './ids.ts';
import { dayOf, type Partitions } from './partitions.ts';

// Rows per gzip member: each chunk is compressed on its own and the members are concatenated
// (RFC 1952 §2.2: a gzip file is a series of members; gzip -d and zlib read them all), so that
// memory stays bounded whatever the day's size.
const CHUNK_ROWS = 10_240; // 40 sealed blocks
// zlib level 1: on Heroku-like lines twice as fast as the default 6 for a file 7 % larger
// (65 vs 146 ms per 5.6 MB here); archives are written once and read rarely.
// One output chunk for a whole member (~0.6 MB from ~2.5 MB of lines): zlib's thread-pool work
// goes back to the main thread after each output chunk, and with its default 16 KB a member's gzip
// waited ~40 times for the main thread, busy formatting the next chunk.
const GZIP = { level: 1, chunkSize: 4 << 20 };
const gzipAsync = promisify(gzip);

export function archivePath(dir: string, day: string): string {
  return join(dir, `${day}.tsv.gz`);
}

/** A day is archived once its checksum file exists (written last). */
export function isArchived(dir: string, day: string): boolean {
  return existsSync(`${archivePath(dir, day)}.sha256`);
}

/** What the archiving process needs: the day file, where to write, and the names of the day's systems. */
export interface ArchiveJob {
  dayPath: string;
  day: string;
  dir: string;
  names: Record<number, string>;
}

/** The archiving process's answer: the events written and the CPU priority it ran at, or why it failed. */
export type ArchiveReply = { events: number; lowered: LoweredPriority } | { error: string };

// Said once per server: every day's archive runs in a new process, and each would fail alike.
let fallbackNoted = false;
function noteFallback({ priority, why }: LoweredPriority): void {
  if (why === undefined || fallbackNoted) return;
  fallbackNoted = true;
  console.error(`driftwood archive: the archiving process runs at ${priority} priority, not idle (${why}); it may slow ingest while it runs`);
}

/**
 * Writes one day's archive and its checksum (in the archiving process, archive-process.ts): the
 * day is read from its own read-only connection and the server goes on receiving ingest. Returns
 * the events written.
 */
export function archiveDay(partitions: Partitions, nameOf: (systemId: number) => string, day: string, dir: string): Promise<number> {
  const dayPath = partitions.pathOf(day);
  const db = openReadOnly(dayPath);
  let ids: number[];
  try {
    ids = db.prepare(SYSTEM_IDS_SQL).pluck().all() as number[];
    if (hasBlocks(db)) ids = [...new Set([...ids, ...(db.prepare('SELECT DISTINCT system_id FROM block_systems').pluck().all() as number[])])];
  } finally {
    db.close();
  }
  const job: ArchiveJob = { dayPath, day, dir, names: Object.fromEntries(ids.map((id) => [id, nameOf(id)])) };
  return new Promise((resolve, reject) => {
    const child = startProcess('archive-process');
    child.send(job);
    child.once('message', (reply: ArchiveReply) => {
      if ('error' in reply) return reject(new Error(reply.error));
      noteFallback(reply.lowered);
      resolve(reply.events);
    });
    child.once('error', reject);
    // A no-op once settled.
    child.once('exit', (code, signal) => reject(new Error(`the archiving process exited with ${signal ?? `code ${code}`} before it was done`)));
  });
}

// The day's distinct systems through the (system_id, id) index: one look-up per system, not a
// scan (and those of its sealed events: store/blocks.ts).
const SYSTEM_IDS_SQL = `WITH RECURSIVE s(id) AS (SELECT min(system_id) FROM events
  UNION ALL SELECT (SELECT min(system_id) FROM events WHERE system_id > s.id) FROM s WHERE s.id IS NOT NULL)
  SELECT id FROM s WHERE id IS NOT NULL`;

/**
 * The archiving itself: call it off the server's threads (archiveDay does). It gives up (the
 * temporary file removed) once `wanted` says no, checked between chunks. Each chunk's gzip runs
 * on libuv's thread pool while the next chunk is read and formatted: on a 10M-event day, reading
 * and formatting take ~4 µs an event and gzip ~1.3.
 */
export async function writeArchive(job: ArchiveJob, wanted: () => boolean = () => true): Promise<number> {
  const { dayPath, day, dir, names } = job;
  mkdirSync(dir, { recursive: true });
  const path = archivePath(dir, day);
  const tmp = `${path}.tmp`;
  const db = openReadOnly(dayPath);
  const fd = openSync(tmp, 'w');
  const sha = createHash('sha256');
  let events = 0;
  let compressing: Promise<Buffer> | undefined;
  const append = async () => {
    if (!compressing) return;
    const gz = await compressing;
    compressing = undefined;
    writeSync(fd, gz);
    sha.update(gz);
  };
  try {
    for (let after = -1; ; ) {
      if (!wanted()) throw new Error(`archiving ${day} given up: the server that asked for it is gone`);
      // A snapshot per chunk: the server's index thread may be sealing this day meanwhile
      // (store/db.ts), which moves events from rows into blocks but never changes which ones
      // have ids above `after`.
      const chunk = inSnapshot(db, () => linesAfter(db, after, names));
      if (chunk.events === 0) break;
      await append();
      compressing = gzipAsync(chunk.text, GZIP);
      events += chunk.events;
      after = chunk.lastId;
    }
    if (events === 0) compressing = gzipAsync('', GZIP); // an empty day: an empty archive
    await append();
    fsyncSync(fd);
  } catch (e) {
    await compressing?.catch(() => undefined);
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    db.close();
  }
  closeSync(fd);
  renameSync(tmp, path);
  const sumTmp = `${path}.sha256.tmp`;
  writeFileSync(sumTmp, `${sha.digest('hex')}  ${basename(path)}\n`);
  const sfd = openSync(sumTmp, 'r');
  fsyncSync(sfd);
  closeSync(sfd);
  renameSync(sumTmp, `${path}.sha256`);
  return events;
}

// Ids are ~2^51, and V8 writes a number above 2^30 as a double: two smaller parts with the same
// digits take a fifth of the time (200 → 40 ns), 1.6 s of a 10M-event day.
const decimal = (n: number) => (n < 100_000 ? `${n}` : `${Math.floor(n / 100_000)}${`${n % 100_000}`.padStart(5, '0')}`);

/**
 * The archive lines of about CHUNK_ROWS events with ids above `afterId`, oldest first, and the
 * last one's id. Blocks are opened here, not through the cache of decoded blocks (store/blocks.ts)
 * that searches share, and the lines joined once: appending to one string made a rope that gzip's
 * input then had to walk.
 */
function linesAfter(db: Db, afterId: number, names: Record<number, string>): { text: string; events: number; lastId: number } {
  const lines: string[] = [];
  let lastId = afterId;
  const add = (id: number, systemId: number, generatedMs: number | null, sourceIp: string, program: string, pri: number, message: string) => {
    const sourceName = names[systemId] ?? `system ${systemId}`;
    lines.push(formatRow({ id: decimal(id), generatedMs, receivedMs: timeOfId(id), sourceId: `${systemId}`, sourceName, sourceIp, facility: pri >> 3, severity: pri & 7, program, message }));
    lastId = id;
  };
  for (const block of sealedBlocksAfter(db, afterId, CHUNK_ROWS / BLOCK_ROWS)) {
    for (const r of block.hexRows()) if (r[0] > afterId) add(r[0], r[1], r[2], r[3], r[5], r[6], r[7]);
  }
  // Rows come after the last block only: while blocks remain, the next chunk reads them.
  if (lines.length === 0) for (const r of storedRowsAfter(db, afterId, CHUNK_ROWS)) add(r[0], r[1], r[2], r[3], r[5], r[6], r[7]);
  lines.push('');
  return { text: lines.join('\n'), events: lines.length - 1, lastId };
}

/** Archives every day before today that has no archive yet, oldest first; returns the days written. */
export async function archiveFinishedDays(partitions: Partitions, nameOf: (systemId: number) => string, dir: string, nowMs: number): Promise<string[]> {
  const today = dayOf(nowMs);
  const written: string[] = [];
  for (const day of partitions.days().reverse()) {
    if (day >= today || isArchived(dir, day)) continue;
    await archiveDay(partitions, nameOf, day, dir);
    written.push(day);
  }
  return written;
}
