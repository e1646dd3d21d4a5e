// Turning a parsed line into a stored event: which system sent it (DESIGN 2 "Systems").
import type { ParsedLine } from '../parse/types.ts';
import type { NewEvent } from '../store/types.ts';

// Heroku syslog drains put the drain token in HOSTNAME (DESIGN 3).
export const DRAIN_TOKEN = /^d\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Origin {
  ip: string;
  /** Set for lines that came through an HTTPS drain: the drain names the system. */
  drainName?: string;
  /** For syslog: the drain name of a token found in HOSTNAME, if it is one of ours. */
  drainNameOfToken?: (token: string) => string | undefined;
}

export function attribute(line: ParsedLine, origin: Origin, receivedMs: number): NewEvent {
  const ip = origin.ip.startsWith('::ffff:') ? origin.ip.slice(7) : origin.ip;
  let systemName = origin.drainName;
  if (systemName === undefined && DRAIN_TOKEN.test(line.hostname)) systemName = origin.drainNameOfToken?.(line.hostname);
  const hostname = systemName ?? line.hostname;
  return {
    receivedMs,
    sourceIp: ip,
    systemName: systemName ?? (line.hostname || ip),
    hostname: hostname || ip,
    program: line.program,
    severity: line.severity,
    facility: line.facility,
    generatedAt: line.generatedAt,
    message: line.message,
    fields: line.fields,
    flags: line.flags,
    ownFields: line.ownFields,
  };
}
