// The archiving thread (store/archive.ts archiveDay): writes one day's archive from its own
// read-only connection, so that formatting and gzip never hold the main thread, which receives and
// parses ingest. It runs at the lowest CPU priority (SCHED_IDLE, else nice 19: thread-priority.ts):
// archives can wait, ingest cannot.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThread } from '../thread-priority.ts';
import { writeArchive, type ArchiveJob, type ArchiveReply } from './archive.ts';

const lowered = lowerThisThread();
const job = workerData as ArchiveJob;
let reply: ArchiveReply;
try {
  reply = { events: writeArchive(job), lowered };
} catch (e) {
  reply = { error: (e as Error).message };
}
parentPort!.postMessage(reply);
