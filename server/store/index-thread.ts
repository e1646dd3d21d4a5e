// The body of the index thread: committed events join their day's full-text index here, in
// batches of thousands, behind the writer thread's commits (store/indexer.ts). A day's index is in
// a file of its own, so these transactions never hold up a commit; searches read the rows above
// the index mark directly meanwhile.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FtsIndexer } from './indexer.ts';
import { Partitions } from './partitions.ts';
import type { CommittedNotice, IndexReply, IndexRequest } from './writer.ts';

// The lag bounds how many rows searches read directly (store/unindexed.ts): at 30,000 lines/s
// about 1,500 (0.7 ms of a search), where 250 ms left 7,500-10,000 (5-10 ms: the p95 of a search
// while ingesting). Larger transactions write fewer, larger FTS5 segments, but past 2,500 rows
// they index little faster: 117k rows/s against 126k at 10,000 and 104k at 1,000 (BENCHMARKS).
const INDEX_BATCH_ROWS = 2_500;
const INDEX_LAG_MS = 50;
// Sealing (store/sealer.ts) runs between rounds of indexing, a few blocks (a few milliseconds) per
// turn of the event loop, so that committed rows reach the index without waiting behind it:
// searches read the rows above the index mark one by one (0.4 µs each), and when rounds sealed up
// to 32 blocks each, the index fell ~15,000 rows behind at 30,000 lines/s, 7 ms of every search.
const SEAL_BLOCKS_PER_STEP = 4;

const { dataDir, writerPort } = workerData as { dataDir: string; writerPort: MessagePort };
const partitions = new Partitions(dataDir);
const indexer = new FtsIndexer(partitions);

const pendingDays = new Set<string>();
let pendingRows = 0;
let timer: NodeJS.Timeout | undefined;
let lastFailure: string | undefined;

/** Indexes what the writer committed since the last call, and the newest days (requests, start). */
function indexNow(newest = 0): void {
  clearTimeout(timer);
  timer = undefined;
  const days = [...pendingDays];
  pendingDays.clear();
  pendingRows = 0;
  try {
    days.push(...partitions.days().slice(0, newest));
    indexer.indexNew(days, 0);
    lastFailure = undefined;
    for (const d of days) toSeal.add(d);
    sealSoon();
  } catch (e) {
    // The rows are stored and searched directly meanwhile; the next round indexes them. One line
    // per cause, not one every INDEX_LAG_MS (a full disk lasts).
    const message = (e as Error).message;
    if (message !== lastFailure) console.error(`driftwood index thread: cannot index new events yet: ${message}`);
    lastFailure = message;
    for (const d of days) pendingDays.add(d);
    timer ??= setTimeout(indexNow, INDEX_LAG_MS);
  }
}

const toSeal = new Set<string>();
let sealing: NodeJS.Immediate | undefined;

function sealSoon(): void {
  sealing ??= setImmediate(sealStep);
}

function sealLater(day: string): void {
  setTimeout(() => {
    toSeal.add(day);
    sealSoon();
  }, INDEX_LAG_MS);
}

/**
 * One step of sealing the days indexing touched. A day leaves the set when it has nothing ready,
 * or when the writer holds its lock with few blocks waiting: then it is tried again after
 * INDEX_LAG_MS, or sooner by the next round of indexing, so that the end of a burst gets sealed.
 */
function sealStep(): void {
  sealing = undefined;
  const day = toSeal.values().next().value;
  if (day === undefined) return;
  try {
    if (indexer.sealStep(day, SEAL_BLOCKS_PER_STEP, 'backlog') < SEAL_BLOCKS_PER_STEP) {
      toSeal.delete(day);
      if (indexer.sealDeferred(day)) sealLater(day);
    }
  } catch (e) {
    console.error(`driftwood index thread: cannot seal ${day} yet: ${(e as Error).message}`);
    toSeal.delete(day);
  }
  if (toSeal.size) sealSoon();
}

writerPort.on('message', ({ day, rows }: CommittedNotice) => {
  pendingDays.add(day);
  pendingRows += rows;
  if (pendingRows >= INDEX_BATCH_ROWS) indexNow();
  else timer ??= setTimeout(indexNow, INDEX_LAG_MS);
});

parentPort!.on('message', (request: IndexRequest) => {
  if ('close' in request) {
    indexNow(2);
    partitions.close();
    process.exit(0); // ends this thread only
  }
  // The newest two days too: what the caller saw acknowledged may be committed but not yet noticed here.
  indexNow(2);
  parentPort!.postMessage({ seq: request.seq } satisfies IndexReply);
});
parentPort!.postMessage({ ready: true });
// Rows a crash left committed but not indexed are in the newest day files (searches read them
// directly meanwhile, so the server does not wait for this).
setImmediate(() => {
  indexNow(2);
  sweep(partitions.days().slice(2));
});

/**
 * Older days, one transaction at a time between the other work: a day whose index file was
 * deleted, or restored without it, is rebuilt, and a day written before sealing (day/0010) is
 * sealed; for every other day this is a look at its mark and its newest block.
 */
function sweep(days: string[]): void {
  const day = days[0];
  if (day === undefined) return;
  try {
    if (!indexer.indexStep(day).more && indexer.sealStep(day, SEAL_BLOCKS_PER_STEP) === 0) days.shift();
  } catch (e) {
    console.error(`driftwood index thread: cannot index ${day}: ${(e as Error).message}`);
    days.shift();
  }
  setImmediate(sweep, days);
}
