// driftwood <command>: the CLI of DESIGN 8.
import { alerts } from './alerts.ts';
import { backup } from './backup.ts';
import { demo } from './demo.ts';
import { drain } from './drain.ts';
import { searchCommand } from './search.ts';
import { serve } from './serve.ts';
import { tailCommand } from './tail.ts';
import { token } from './token.ts';
import { user } from './user.ts';
import { verify } from './verify.ts';
import { redactCommand } from './redact.ts';
import { importCommand } from './import.ts';
import { archiveCommand } from './archive.ts';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { serve, drain, user, token, alerts, backup, demo, verify, redact: (argv) => redactCommand(argv), import: importCommand, archive: archiveCommand, search: (argv) => searchCommand(argv), tail: tailCommand };

const USAGE = `usage: driftwood <command> [options]

  serve                 run the server (driftwood serve --help lists its options)
  drain add NAME        create an HTTPS drain and print its URL and heroku command
  drain list | rm NAME  list or remove drains
  search QUERY          print matching events from a server (DRIFTWOOD_URL, DRIFTWOOD_TOKEN)
                        [--min-time T] [--max-time T] [--system S] [--group G] [--json] [--limit N]
  tail [-f] QUERY       the newest matching events; with -f, follow them live (reconnects, resumes)
                        [--system S] [--group G] [-n N] [--json]
  user add EMAIL [--admin] [--password-stdin]
                        create a user (a member without --admin)
  user passwd EMAIL [--password-stdin] | user list
  token add NAME --user EMAIL
                        create an API token (printed once, on the last line)
  token list [--user EMAIL] | token rm ID
  alerts starter --email ADDRESS
                        saved searches + 1-minute alerts for logins, access, errors, Heroku
  alerts list           list alerts
  backup DIR            copy the data directory into DIR (new or empty), also while a server runs
  demo                  send demo traffic to a running server (drain, syslog TCP+UDP) for 2 minutes
                        [--url URL] [--drain URL] [--syslog HOST:PORT|off] [--duration D] [--rate N]
  verify [--since DAY] [--checkpoints FILE] [--public-key KEY] | --print-public-key
                        check the stored events against their hash chain; exit 0 only when intact
  redact --id ID --reason TEXT | --query Q --min-time T [--max-time T] --reason TEXT [--yes]
                        replace leaked secrets with [redacted] (a query lists and asks first)
  import FILE… [--system NAME]
                        load Papertrail archives (theirs or ours, .tsv[.gz]) or plain log files
  archive [DIR]         archive every finished day now (gzip TSV + .sha256; default DRIFTWOOD_ARCHIVE_DIR)
`;

const [command, ...rest] = process.argv.slice(2);
const run = command ? COMMANDS[command] : undefined;
if (!run) {
  process.stderr.write(command && command !== '--help' ? `driftwood: unknown command "${command}"\n${USAGE}` : USAGE);
  process.exitCode = command === '--help' ? 0 : 2;
} else {
  run(rest).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`driftwood ${command}: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
