// The clock of alerts: one node-cron job ticks every minute and asks the engine to run what is
// due (alerts/periods.ts decides: 1m, 10m, 1h at their UTC boundaries, 1d at 05:00 in the alert's
// zone). One per-minute tick instead of one job per frequency: a run missed while the server was
// down is then caught up at the first tick after start, whatever its frequency.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { AlertEngine } from './run.ts';

export const ALERT_TICK = '* * * * *'; // every minute, at second 0
// Between ticks, windows are counted as events arrive (alerts/tally.ts): the tick's round then
// only counts the last seconds, however busy the minute was.
export const PRECOUNT_INTERVAL_MS = 10_000;

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(engine: AlertEngine, log: Logger, now: () => number, tick = ALERT_TICK): Scheduler {
  const task: ScheduledTask = cron.schedule(
    tick,
    async () => {
      try {
        await engine.runDue(now());
      } catch (e) {
        log.error(`alerts: round failed: ${(e as Error).stack ?? (e as Error).message}`);
      }
    },
    {
      name: 'driftwood-alerts',
      noOverlap: true,
      logger: { info: () => {}, debug: () => {}, warn: (m) => log.warn(`alerts scheduler: ${m}`), error: (m) => log.error(`alerts scheduler: ${String(m)}`) },
    },
  );
  const precount = setInterval(() => void engine.precount().catch((e: Error) => log.error(`alerts: counting ahead failed: ${e.stack ?? e.message}`)), PRECOUNT_INTERVAL_MS);
  precount.unref();
  // Notifications left pending by a previous process (crash, restart) go out now.
  engine.deliverDue(now());
  return {
    async stop() {
      clearInterval(precount);
      await task.stop();
      await task.destroy();
      await engine.stop();
    },
  };
}
