// The CPU priority of a background thread (the archive writer, store/archive-thread.ts): such work
// can wait, ingest cannot. Linux schedules each thread on its own, so a worker can lower itself and
// leave the main, writer and index threads as they are.
//
// Nice 19 is not low enough: under Linux's fair scheduler (EEVDF since 6.6) a nice-19 thread still
// has weight 15 against 1,024 for nice 0, and on 2 vCPUs a nice-19 thread merely spinning cost
// ingest 6-18 % (docs/BENCHMARKS.md, "Integrity"). SCHED_IDLE (sched(7): weight 3, and a waking
// normal thread preempts it) is what Linux has for "only when nothing else wants the CPU". Node has
// no sched_setscheduler, so util-linux's chrt sets it on this thread's id (lowering a policy needs
// no privilege); where that fails (another system, no chrt) nice 19 is the fallback.
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export interface LoweredPriority {
  /** 'idle': SCHED_IDLE; 'nice 19': the fallback; 'normal': neither could be set. */
  priority: 'idle' | 'nice 19' | 'normal';
  /** Why SCHED_IDLE could not be set. */
  why?: string;
}

/** Lowers the calling thread (only it: Linux keeps the policy and nice value per thread). */
export function lowerThisThread(): LoweredPriority {
  let why: string;
  try {
    // "<pid>/task/<tid>": the kernel's id of this very thread, which chrt --pid takes.
    const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    try {
      execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
      return { priority: 'idle' };
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer; message: string };
      why = err.code === 'ENOENT' ? 'chrt (util-linux) not found' : err.stderr?.toString().trim() || err.message;
    }
  } catch {
    why = 'no /proc/thread-self (not Linux)';
  }
  try {
    // setpriority(2) on Linux changes the calling thread's nice value only.
    setPriority(19);
    return { priority: 'nice 19', why };
  } catch {
    return { priority: 'normal', why };
  }
}
