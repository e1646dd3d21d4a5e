// A process that runs alert rounds on DATA_DIR back to back, its clock a minute further each
// round, until it is killed (test/integration/alerts-restart.test.ts kills it with SIGKILL).
// Prints "start" before and "end N" after each round, so the test knows where the kill landed.
import { createMailer } from '../../server/alerts/email.ts';
import { AlertEngine } from '../../server/alerts/run.ts';
import { openStore } from '../../server/store/index.ts';

const store = openStore(process.env.DATA_DIR!);
const quiet = { info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };
const engine = new AlertEngine({ store, log: quiet, now: Date.now, publicUrl: 'http://localhost:8080', mailer: createMailer({ from: 'x@example.com' }) });
let now = Math.max(...store.alerts.list().map((a) => a.last_run_ms));
for (let round = 0; ; round++) {
  now += 60_000;
  if (round % 2 === 1) await engine.precount(); // every other round counts ahead first
  process.stdout.write('start\n');
  const report = await engine.runDue(now);
  process.stdout.write(`end ${report.recorded}\n`);
}
