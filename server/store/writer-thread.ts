// The body of the writer thread: SQLite inserts run here, on their own core, while the main thread
// receives and parses the next batch (the single SQLite writer is the ingest ceiling). Each batch
// is committed and answered; the index thread hears which day file grew, and indexes it.
import { join } from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDb } from './db.ts';
import { EventWriter } from './events.ts';
import { Partitions } from './partitions.ts';
import { Systems } from './systems.ts';
import { type CommittedNotice, type WriterReply, type WriterRequest } from './writer.ts';

const { dataDir } = workerData as { dataDir: string };
const meta = openDb(join(dataDir, 'driftwood.sqlite'), 'meta');
const partitions = new Partitions(dataDir);
const systems = new Systems(meta);
// Set (and replaced, should an index thread die) by the main thread. Until then, commits go
// unannounced: the index thread catches up on the newest days when it starts.
let indexPort: MessagePort | undefined;
const writer = new EventWriter(partitions, systems, (day, rows) => indexPort?.postMessage({ day, rows } satisfies CommittedNotice));

parentPort!.on('message', (request: WriterRequest | { close: true }) => {
  if ('indexPort' in request) {
    indexPort?.close();
    indexPort = request.indexPort;
    return;
  }
  if ('close' in request) {
    systems.flushLastSeen(true);
    partitions.close();
    meta.close();
    process.exit(0); // ends this thread only
  }
  let reply: WriterReply;
  try {
    reply = { seq: request.seq, results: writer.writePacked(request.flush) };
  } catch (e) {
    reply = { seq: request.seq, error: (e as Error).message, code: (e as { code?: string }).code };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });
