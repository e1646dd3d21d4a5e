// Driftwood's own operational log, through pino (Fastify's logger too): JSON lines on stderr, or
// pino-pretty's lines when stderr is a terminal. stdout stays for the startup text meant for
// people. Every message is neutralized first so that values from the network (hostnames, paths,
// peer errors) cannot forge a line or drive a terminal (log injection, OWASP).
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogFormat, LogLevel } from './config.ts';
import { neutralizeForTerminal } from './parse/normalize.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** The pino logger behind this one, handed to Fastify (absent where tests capture lines). */
  readonly pino?: PinoLogger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** auto: pretty when the destination is a terminal, JSON lines otherwise. */
  format: LogFormat;
  /** Default: stderr, written synchronously so that nothing is lost when the process exits. */
  destination?: DestinationStream & { isTTY?: boolean };
}

export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const terminal = (options.destination ?? process.stderr).isTTY === true;
  const pretty = options.format === 'pretty' || (options.format === 'auto' && terminal);
  let destination: DestinationStream = options.destination ?? pino.destination({ fd: 2, sync: true });
  if (pretty) {
    // Loaded only for a terminal: a service's log is JSON, and this saves loading the prettifier.
    const { default: prettyStream } = await import('pino-pretty');
    destination = prettyStream({ destination: options.destination ?? 2, sync: true, colorize: terminal, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' });
  }
  const logger = pino(
    {
      level: options.level,
      hooks: {
        // Every string a log call gets, ours or Fastify's, is neutralized.
        logMethod(args, method) {
          method.apply(this, args.map((a: unknown) => (typeof a === 'string' ? neutralizeForTerminal(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  return { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m), pino: logger };
}

/** For the one-shot CLI commands: plain lines on stderr for the person who ran them. */
export function stderrLogger(quiet = false): Logger {
  const write = (level: string, message: string) => {
    if (!quiet || level !== 'info') process.stderr.write(`${new Date().toISOString()} ${level} ${neutralizeForTerminal(message)}\n`);
  };
  return { info: (m) => write('info', m), warn: (m) => write('warn', m), error: (m) => write('error', m) };
}
