// What `driftwood user` and `driftwood token` share: the store of DRIFTWOOD_DATA_DIR (opened
// directly, also while a server runs: SQLite WAL + busy_timeout), reading a password without
// echoing it, and the security line each change writes to stderr.
import { userInfo } from 'node:os';
import { loadConfig } from '../config.ts';
import { stderrLogger } from '../log.ts';
import { securityEvent, type SecurityEvent } from '../security/audit.ts';
import { openStore, type Store } from '../store/index.ts';

export class UsageError extends Error {}

/** Runs `body` with the store open; config problems and usage errors become exit codes. */
export async function withStore(usage: string, body: (store: Store) => Promise<number>): Promise<number> {
  const loaded = loadConfig(process.env, []);
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`driftwood: ${p}\n`);
    return 1;
  }
  const store = openStore(loaded.config.dataDir);
  try {
    return await body(store);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message ? `driftwood: ${e.message}\n` : ''}${usage}`);
      return 2;
    }
    throw e;
  } finally {
    store.close();
  }
}

export function fail(message: string): number {
  process.stderr.write(`driftwood: ${message}\n`);
  return 1;
}

/** `--flag value` or `--flag=value`; removes it from argv. */
export function takeOption(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      argv.splice(i, 2);
      return value;
    }
    if (arg.startsWith(`${flag}=`)) {
      argv.splice(i, 1);
      return arg.slice(flag.length + 1);
    }
  }
  return undefined;
}

export function takeFlag(argv: string[], flag: string): boolean {
  const i = argv.indexOf(flag);
  if (i === -1) return false;
  argv.splice(i, 1);
  return true;
}

/**
 * The new password: all of stdin with --password-stdin (one trailing newline dropped), else typed
 * twice at a terminal without echo. Never a command-line argument: those show up in `ps`.
 */
export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (!process.stdin.isTTY) throw new UsageError('stdin is not a terminal: pipe the password in with --password-stdin');
  const first = await promptHidden('New password: ');
  const second = await promptHidden('Repeat it: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (result: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      result();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(value));
        if (ch === '\u0003' || ch === '\u0004') return done(() => reject(new Error('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The CLI's security event: stored like the server's (ids are allocated inside each day file's
 * write lock, so a running server and the CLI never collide) and written to stderr.
 */
export function cliAudit(store: Store, e: SecurityEvent): void {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  const event = securityEvent({ ...e, details: { ...e.details, via: 'cli', os_user: osUser } }, Date.now());
  stderrLogger().warn(`security ${event.message}`);
  store.append([{ events: [event] }]);
}
