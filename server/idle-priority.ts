// The lowest CPU priority, for background work that can wait while ingest cannot: the archiving
// process (store/archive-process.ts).
//
// Nice 19 is not low enough: under Linux's fair scheduler (EEVDF since 6.6) a nice-19 thread still
// has weight 15 against 1,024 for nice 0, and on 2 vCPUs a nice-19 thread merely spinning cost
// ingest 6-18 % (docs/BENCHMARKS.md, "Integrity"). SCHED_IDLE (sched(7): weight 3, preempted by any
// waking normal thread) is Linux's "only when nothing else wants the CPU". It belongs on a process
// of its own, not on a thread of the server: a SCHED_IDLE thread that is preempted while holding a
// lock its process shares (the address space's mmap lock, a malloc arena) can wait long for the CPU
// again, and every server thread that needs that lock waits with it. Node has no
// sched_setscheduler, so util-linux's chrt sets it on every thread of this process (lowering needs
// no privilege); where that fails (another system, no chrt) nice 19 is the fallback.
import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';

export interface LoweredPriority {
  /** 'idle': SCHED_IDLE; 'nice 19': the fallback; 'normal': neither could be set. */
  priority: 'idle' | 'nice 19' | 'normal';
  /** Why SCHED_IDLE could not be set. */
  why?: string;
}

/** Lowers this whole process (call it in a child process, never in the server). */
export function lowerThisProcess(): LoweredPriority {
  let why: string;
  try {
    // --all-tasks: V8's and libuv's threads too; threads started later inherit the policy.
    execFileSync('chrt', ['--all-tasks', '--idle', '--pid', '0', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    return { priority: 'idle' };
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer; message: string };
    why = err.code === 'ENOENT' ? 'chrt (util-linux) not found' : err.stderr?.toString().trim() || err.message;
  }
  try {
    // On Linux this is the calling thread's nice value only: the one that does the work.
    setPriority(19);
    return { priority: 'nice 19', why };
  } catch {
    return { priority: 'normal', why };
  }
}
