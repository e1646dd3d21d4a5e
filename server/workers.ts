// Starting the server's worker threads (the event writer, the indexer, the alert counter) and its
// child process (the archiver). Each runs the same form of the code as the thread that starts it:
// the TypeScript sources through tsx in a checkout and in tests, or the bundle that `npm run build`
// writes to server/dist for `npm start` (no TypeScript loader threads: less memory and a faster
// start).
import { fork, type ChildProcess } from 'node:child_process';
import { Worker, type TransferListItem } from 'node:worker_threads';

// Defined only in the bundle (server/build.ts): where the bundle's files are, relative to the
// project root. The bundle gives every module its source file's import.meta.url, so this is the
// one way to find the bundle itself.
declare const DRIFTWOOD_BUNDLE_DIR: string | undefined;
export const BUNDLED = typeof DRIFTWOOD_BUNDLE_DIR !== 'undefined';

export type WorkerEntry = 'writer-thread' | 'index-thread' | 'count-worker';
export type ProcessEntry = 'archive-process';
const SOURCES: Record<WorkerEntry | ProcessEntry, URL> = {
  'writer-thread': new URL('./store/writer-thread.ts', import.meta.url),
  'index-thread': new URL('./store/index-thread.ts', import.meta.url),
  'count-worker': new URL('./store/count-worker.ts', import.meta.url),
  'archive-process': new URL('./store/archive-process.ts', import.meta.url),
};

/** `transferList`: MessagePorts in workerData, handed over to the new thread. */
export function startWorker(entry: WorkerEntry, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  if (BUNDLED) return new Worker(new URL(`${DRIFTWOOD_BUNDLE_DIR}${entry}.js`, new URL('../', import.meta.url)), { workerData, transferList });
  // Worker threads start without the parent's TypeScript loader: register tsx, then load the body.
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(SOURCES[entry].href)}); })`;
  return new Worker(source, { eval: true, workerData, transferList });
}

/** A child process with an IPC channel (send/'message'); its stderr is the server's. */
export function startProcess(entry: ProcessEntry): ChildProcess {
  const stdio = ['ignore', 'ignore', 'inherit', 'ipc'] as const;
  if (BUNDLED) return fork(new URL(`${DRIFTWOOD_BUNDLE_DIR}${entry}.js`, new URL('../', import.meta.url)), [], { stdio: [...stdio] });
  return fork(SOURCES[entry], [], { stdio: [...stdio], execArgv: ['--import', import.meta.resolve('tsx')] });
}
