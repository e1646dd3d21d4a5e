// Background work yields the CPU to ingest (server/idle-priority.ts): the archiving process lowers
// every one of its threads to SCHED_IDLE, or its working thread to nice 19 where chrt cannot, and
// the server that started it keeps its priority. Read back from /proc, as the kernel schedules them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import type { LoweredPriority } from '../../server/idle-priority.ts';
import { requirePrograms } from '../helpers/programs.ts';

const { test } = requirePrograms(import.meta.url, 'chrt');

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** Each thread's scheduling policy and nice value (proc(5): /proc/PID/task/TID/stat fields 41 and 19). */
function scheduling(pid: number): { tid: number; policy: number; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
    return { tid: Number(tid), policy: Number(fields[41 - 3]), nice: Number(fields[19 - 3]) };
  });
}

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** A child process that lowers itself as the archiving process does, then waits; its answer. */
async function lowerAChild(env: NodeJS.ProcessEnv = process.env): Promise<LoweredPriority> {
  const script = `import(${JSON.stringify(new URL('../../server/idle-priority.ts', import.meta.url).href)})
    .then(({ lowerThisProcess }) => { process.send(lowerThisProcess()); process.on('message', () => {}); });`;
  child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '-e', script], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child!.once('message', (m) => resolve(m as LoweredPriority));
    child!.once('error', reject);
  });
}

test('a background process runs every thread at idle priority while the server that started it keeps normal priority', async () => {
  const before = scheduling(process.pid);
  expect(await lowerAChild()).toEqual({ priority: 'idle' });
  const threads = scheduling(child!.pid!);
  expect(threads.length).toBeGreaterThan(1); // V8's and libuv's threads too
  expect(threads.every((t) => t.policy === SCHED_IDLE)).toBe(true);
  expect(scheduling(process.pid).filter((t) => before.some((b) => b.tid === t.tid))).toEqual(before);
  expect(before.every((t) => t.policy === SCHED_OTHER)).toBe(true);
});

test('without chrt a background process falls back to nice 19 for its working thread and says why', async () => {
  expect(await lowerAChild({ ...process.env, PATH: '/nonexistent' })).toEqual({ priority: 'nice 19', why: 'chrt (util-linux) not found' });
  const main = scheduling(child!.pid!).find((t) => t.tid === child!.pid)!;
  expect(main).toEqual({ tid: child!.pid, policy: SCHED_OTHER, nice: 19 });
});
