// `driftwood verify [--since DAY] [--checkpoints FILE] [--public-key KEY] | --print-public-key`:
// checks the events of DRIFTWOOD_DATA_DIR against their hash chain, the manifest and exported
// checkpoints; prints the first problem and exits 1, or a summary and exits 0 (docs/SECURITY.md).
import { readFileSync } from 'node:fs';
import { loadKeys, parsePublicKey, readCheckpoints, type Checkpoint } from '../integrity/checkpoint.ts';
import { describeProblem, verifyStore } from '../store/verify.ts';
import { fail, takeFlag, takeOption, UsageError, withStore } from './accounts.ts';

const USAGE = `usage: driftwood verify [--since YYYY-MM-DD] [--checkpoints FILE] [--public-key ed25519:…]
       driftwood verify --print-public-key
  --checkpoints FILE  signed heads exported by DRIFTWOOD_HEAD_EXPORT; checked with --public-key
                      (give the key you noted when the server printed it), else the data dir's key
`;

export async function verify(argv: string[]): Promise<number> {
  const args = [...argv];
  return withStore(USAGE, async (store) => {
    const printKey = takeFlag(args, '--print-public-key');
    const since = takeOption(args, '--since');
    const checkpointFile = takeOption(args, '--checkpoints');
    const publicKeyArg = takeOption(args, '--public-key');
    if (args.length) throw new UsageError(`unexpected ${args.join(' ')}`);
    if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new UsageError(`--since "${since}" is not a day (YYYY-MM-DD)`);
    const dataDir = store.partitions.dataDir;
    if (printKey) {
      process.stdout.write(`${loadKeys(dataDir).publicText}\n`);
      return 0;
    }
    let checkpoints: Checkpoint[] | undefined;
    if (checkpointFile !== undefined) {
      const publicKey = publicKeyArg !== undefined ? parsePublicKey(publicKeyArg) : loadKeys(dataDir).publicKey;
      const read = readCheckpoints(readFileSync(checkpointFile, 'utf8'), publicKey);
      if (!read.ok) return fail(`FAILED: ${checkpointFile} line ${read.line}: ${read.message}`);
      checkpoints = read.checkpoints;
    }
    const started = performance.now();
    const report = verifyStore(store.partitions, { since, checkpoints });
    if (report.problem) return fail(`FAILED: ${describeProblem(report.problem)}`);
    const seconds = (performance.now() - started) / 1000;
    const lines = [
      `OK: ${report.events} events in ${report.batches} batches of ${report.days} days verified in ${seconds.toFixed(1)} s${since ? ` (since ${since})` : ''}.`,
      report.redacted.length ? `Redacted (their leaf hashes kept): ${report.redacted.join(', ')}.` : '',
      report.legacy ? `Not covered: ${report.legacy} events written before tamper evidence.` : '',
      report.removed.length ? `Removed by retention (tombstones): ${report.removed.join(', ')}.` : '',
      checkpoints ? `Checkpoints: ${report.checkpoints} of ${checkpoints.length} matched${report.checkpoints < checkpoints.length ? ' (the others are of removed days or before --since)' : ''}.` : 'No checkpoints given: a history rewritten with recomputed hashes is not ruled out.',
    ];
    process.stdout.write(lines.filter(Boolean).map((l) => `${l}\n`).join(''));
    return 0;
  });
}
