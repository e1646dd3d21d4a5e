// Driftwood's own operational log: one line per message on stderr. Values that come from the
// network are neutralized first so that nobody can forge a line (log injection).

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function oneLine(value: string): string {
  return value.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function stderrLogger(quiet = false): Logger {
  const write = (level: string, message: string) => {
    if (!quiet || level !== 'info') process.stderr.write(`${new Date().toISOString()} ${level} ${oneLine(message)}\n`);
  };
  return { info: (m) => write('info', m), warn: (m) => write('warn', m), error: (m) => write('error', m) };
}
