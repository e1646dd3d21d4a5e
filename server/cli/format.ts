// The Papertrail-like line format of the CLI: `May 30 09:24:40 host program: message`, colored
// on a terminal, with control characters neutralized so a log line cannot drive the terminal.
import type { Event } from '../../shared/event.ts';
import { neutralizeForTerminal } from '../parse/normalize.ts';

const COLOR = { time: '\x1b[2m', host: '\x1b[36m', program: '\x1b[33m', error: '\x1b[31m', warn: '\x1b[35m', reset: '\x1b[0m' };
const SEVERE = new Set(['Emergency', 'Alert', 'Critical', 'Error']);

/** Colors only on a terminal, never with --json, and never when NO_COLOR is set (no-color.org). */
export function useColor(out: { isTTY?: boolean }, json: boolean, env: Record<string, string | undefined>): boolean {
  return out.isTTY === true && !json && !env.NO_COLOR;
}

export function formatEvent(e: Event, color: boolean): string {
  const time = e.display_received_at;
  const host = neutralizeForTerminal(e.source_name);
  const program = neutralizeForTerminal(e.program);
  const message = neutralizeForTerminal(e.message);
  if (!color) return `${time} ${host} ${program}: ${message}`;
  const tint = SEVERE.has(e.severity) ? COLOR.error : e.severity === 'Warning' ? COLOR.warn : '';
  return `${COLOR.time}${time}${COLOR.reset} ${COLOR.host}${host}${COLOR.reset} ${COLOR.program}${program}:${COLOR.reset} ${tint}${message}${tint ? COLOR.reset : ''}`;
}
