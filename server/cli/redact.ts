// `driftwood redact --id ID… --reason TEXT` or `--query Q --min-time T [--max-time T] --reason TEXT
// [--yes]`: replaces leaked secrets with [redacted] on DRIFTWOOD_DATA_DIR (docs/SECURITY.md,
// "Redaction"). A query's matches are listed and redacted only after "yes" (or --yes).
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { checkReason, redact, redactionMatches } from '../integrity/redaction.ts';
import { cliAudit, fail, takeFlag, takeOption, UsageError, withStore } from './accounts.ts';
import { formatEvent } from './format.ts';
import { parseTimeArg } from './time.ts';

const USAGE = `usage: driftwood redact --id ID [--id ID …] --reason TEXT
       driftwood redact --query Q --min-time T [--max-time T] --reason TEXT [--yes]
  replaces the events' messages with [redacted], keeps their leaf hashes (verify still passes),
  removes the old text from the index and the files, and records who, what and why
`;

export async function redactCommand(argv: string[], now = new Date()): Promise<number> {
  const args = [...argv];
  return withStore(USAGE, async (store) => {
    const ids: number[] = [];
    for (let id = takeOption(args, '--id'); id !== undefined; id = takeOption(args, '--id')) {
      if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) throw new UsageError(`--id "${id}" is not an event id`);
      ids.push(Number(id));
    }
    const query = takeOption(args, '--query');
    const [minTime, maxTime] = ['--min-time', '--max-time'].map((flag) => {
      const raw = takeOption(args, flag);
      if (raw === undefined) return undefined;
      const t = parseTimeArg(raw, now);
      if (t === undefined) throw new UsageError(`${flag} "${raw}" is not a time (try ISO 8601 or "2 hours ago")`);
      return t;
    });
    const reason = checkReason(takeOption(args, '--reason'));
    const yes = takeFlag(args, '--yes');
    if (args.length) throw new UsageError(`unexpected ${args.join(' ')}`);
    if ((ids.length > 0) === (query !== undefined)) throw new UsageError('give --id or --query (one of them)');
    if (!reason.ok) throw new UsageError(reason.problem);

    let targets = ids;
    if (query !== undefined) {
      const matches = redactionMatches(store, query, minTime, maxTime, () => now.getTime());
      if (!matches.ok) return fail(matches.problem);
      if (matches.value.length === 0) return fail('no event matches: nothing redacted');
      for (const e of matches.value) process.stdout.write(`${e.id} ${formatEvent(e, false)}\n`);
      if (!yes && !(await confirm(`Redact these ${matches.value.length} events? Type "yes": `))) return fail('not confirmed: nothing redacted');
      targets = matches.value.map((e) => Number(e.id));
    }
    const result = redact(store, targets, reason.value, { user: `cli:${osUser()}` }, (e) => cliAudit(store, e), Date.now());
    process.stdout.write(`Redacted ${result.redacted.length} events${result.already.length ? `; ${result.already.length} were already redacted` : ''}.\n`);
    if (!result.checkpointed) process.stderr.write('driftwood: warning: a reader kept a WAL busy: the old text may stay in it until the next checkpoint; run redact again later to retry\n');
    if (result.refused.length) return fail(`refused: event ${result.refused.join(', ')} no longer matches its leaf hash, so nothing of its day was redacted; run driftwood verify`);
    if (result.missing.length) return fail(`no such event: ${result.missing.join(', ')}`);
    return 0;
  });
}

async function confirm(question: string): Promise<boolean> {
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line.trim().toLowerCase() === 'yes';
  }
  return false;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown'; // no passwd entry (some containers)
  }
}
