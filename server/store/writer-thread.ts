// The body of the writer thread: SQLite inserts run here, on the second core, while the main
// thread receives and parses the next batch (the single SQLite writer is the ingest ceiling).
// Each batch is committed and answered first; its rows join the full-text index in batches of
// thousands, at most INDEX_LAG_MS later (store/events.ts indexNew; searches cover the gap).
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from './db.ts';
import { EventWriter } from './events.ts';
import { Partitions } from './partitions.ts';
import { Systems } from './systems.ts';
import { fromWire, type WriterReply, type WriterRequest } from './writer.ts';

// Small enough that indexing a batch holds the next commit up by tens of milliseconds at most;
// large enough that FTS5 writes few segments. 5,000 made drain requests wait behind indexing.
const INDEX_BATCH_ROWS = 2000;
const INDEX_LAG_MS = 250;

const { dataDir } = workerData as { dataDir: string };
const meta = openDb(join(dataDir, 'driftwood.sqlite'), 'meta');
const partitions = new Partitions(dataDir);
const systems = new Systems(meta);
const writer = new EventWriter(partitions, systems);
// Rows a crash left committed but not indexed are in the newest day files.
writer.indexNew(partitions.days().slice(0, 2));

let indexTimer: NodeJS.Timeout | undefined;
function indexNow(): void {
  clearTimeout(indexTimer);
  indexTimer = undefined;
  try {
    writer.indexNew();
  } catch (e) {
    // The rows are stored; the next call indexes them (searches read them directly meanwhile).
    console.error(`driftwood writer thread: cannot index new events yet: ${(e as Error).message}`);
    indexTimer ??= setTimeout(indexNow, INDEX_LAG_MS);
  }
}

parentPort!.on('message', (request: WriterRequest | { close: true }) => {
  if ('close' in request) {
    indexNow();
    systems.flushLastSeen(true);
    partitions.close();
    meta.close();
    process.exit(0); // ends this thread only
  }
  if ('index' in request) {
    indexNow();
    parentPort!.postMessage({ seq: request.seq, results: [] } satisfies WriterReply);
    return;
  }
  let reply: WriterReply;
  try {
    reply = { seq: request.seq, results: writer.write(fromWire(request.submissions)) };
  } catch (e) {
    reply = { seq: request.seq, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
  if (writer.unindexedRows >= INDEX_BATCH_ROWS) indexNow();
  else if (writer.unindexedRows > 0) indexTimer ??= setTimeout(indexNow, INDEX_LAG_MS);
});
parentPort!.postMessage({ ready: true });
