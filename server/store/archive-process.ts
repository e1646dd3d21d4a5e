// The archiving process (store/archive.ts archiveDay): writes one day's archive from its own
// read-only connection, so that formatting and gzip never hold the server's threads. A process,
// not a thread: it runs at SCHED_IDLE (idle-priority.ts), which is safe only where no lock is
// shared with the server. It stops if the server that started it is gone.
import { lowerThisProcess } from '../idle-priority.ts';
import type { ArchiveJob, ArchiveReply } from './archive.ts';

// Lowered before the rest of the code loads: loading it is work too.
const lowered = lowerThisProcess();
const parent = process.ppid;
process.once('message', async (job: ArchiveJob) => {
  const { writeArchive } = await import('./archive.ts');
  let reply: ArchiveReply;
  try {
    reply = { events: await writeArchive(job, () => process.ppid === parent), lowered };
  } catch (e) {
    reply = { error: (e as Error).message };
  }
  process.send!(reply, () => process.disconnect());
});
