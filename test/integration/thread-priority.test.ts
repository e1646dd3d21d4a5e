// Background threads yield the CPU to ingest (server/thread-priority.ts): the archiving thread
// lowers itself to SCHED_IDLE, or to nice 19 where chrt cannot, and no other thread of the server
// changes priority with it. Read back from /proc, as the kernel schedules them.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, expect } from 'vitest';
import type { LoweredPriority } from '../../server/thread-priority.ts';
import { requirePrograms } from '../helpers/programs.ts';

const { test } = requirePrograms(import.meta.url, 'chrt');

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** A thread's scheduling policy and nice value (proc(5): /proc/PID/task/TID/stat fields 41 and 19). */
function scheduling(tid: string): { policy: number; nice: number } {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
  return { policy: Number(fields[41 - 3]), nice: Number(fields[19 - 3]) };
}
const thisThread = () => readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]!;

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

/** A worker thread that lowers itself as the archiving thread does, then waits; its answer and kernel id. */
async function lowerAWorker(env: NodeJS.ProcessEnv = process.env): Promise<{ lowered: LoweredPriority; tid: string }> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(new URL('../../server/thread-priority.ts', import.meta.url).href)}); })
      .then(({ lowerThisThread }) => {
        const lowered = lowerThisThread();
        const tid = require('node:fs').readlinkSync('/proc/thread-self').split('/').pop();
        parentPort.postMessage({ lowered, tid });
        parentPort.on('message', () => {}); // stays alive until terminated
      });`;
  worker = new Worker(source, { eval: true, env });
  return new Promise((resolve, reject) => {
    worker!.once('message', resolve);
    worker!.once('error', reject);
  });
}

test('a background thread runs at idle priority while the thread that started it keeps normal priority', async () => {
  const before = scheduling(thisThread());
  const { lowered, tid } = await lowerAWorker();
  expect(lowered).toEqual({ priority: 'idle' });
  expect(scheduling(tid).policy).toBe(SCHED_IDLE);
  expect(scheduling(thisThread())).toEqual(before);
  expect(before.policy).toBe(SCHED_OTHER);
});

test('without chrt a background thread falls back to nice 19 and says why', async () => {
  const before = scheduling(thisThread());
  const { lowered, tid } = await lowerAWorker({ ...process.env, PATH: '/nonexistent' });
  expect(lowered).toEqual({ priority: 'nice 19', why: 'chrt (util-linux) not found' });
  expect(scheduling(tid)).toEqual({ policy: SCHED_OTHER, nice: 19 });
  expect(scheduling(thisThread())).toEqual(before);
});
