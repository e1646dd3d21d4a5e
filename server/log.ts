// Driftwood's own operational log: one line per message on stderr. Values that come from the
// network are neutralized first so that nobody can forge a line (log injection).

import { neutralizeForTerminal } from './parse/normalize.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function stderrLogger(quiet = false): Logger {
  const write = (level: string, message: string) => {
    if (!quiet || level !== 'info') process.stderr.write(`${new Date().toISOString()} ${level} ${neutralizeForTerminal(message)}\n`);
  };
  return { info: (m) => write('info', m), warn: (m) => write('warn', m), error: (m) => write('error', m) };
}
