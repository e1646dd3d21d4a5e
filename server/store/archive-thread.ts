// The archiving thread (store/archive.ts archiveDay): writes one day's archive from its own
// read-only connection, so that formatting and gzip never hold the main thread, which receives and
// parses ingest. It runs at the lowest CPU priority: archives can wait, ingest cannot.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { writeArchive, type ArchiveJob } from './archive.ts';

// Linux keeps a nice value per thread, and setpriority(0) changes the calling thread's only: the
// main and writer threads keep theirs. Elsewhere (or without the right to) it is a hint we skip.
try {
  setPriority(19);
} catch {
  // runs at normal priority
}
const job = workerData as ArchiveJob;
let reply: { events: number } | { error: string };
try {
  reply = { events: writeArchive(job) };
} catch (e) {
  reply = { error: (e as Error).message };
}
parentPort!.postMessage(reply);
