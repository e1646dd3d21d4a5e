// driftwood <command>: the CLI of DESIGN 8.
import { drain } from './drain.ts';
import { serve } from './serve.ts';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { serve, drain };

const USAGE = `usage: driftwood <command> [options]

  serve                 run the server (driftwood serve --help lists its options)
  drain add NAME        create an HTTPS drain and print its URL and heroku command
  drain list | rm NAME  list or remove drains
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
