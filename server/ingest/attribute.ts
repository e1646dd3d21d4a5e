// Turning a parsed line into a stored event: which system sent it (DESIGN 2 "Systems").
import type { EventFlag } from '../../shared/event.ts';
import { isDrainToken } from '../parse/rfc5424.ts';
import type { ParsedLine } from '../parse/types.ts';
import type { NewEvent } from '../store/types.ts';

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
  // Heroku syslog drains put the drain token in HOSTNAME (DESIGN 3).
  if (systemName === undefined && isDrainToken(line.hostname)) systemName = origin.drainNameOfToken?.(line.hostname);
  const hostname = systemName ?? line.hostname;
  return new AttributedEvent(line, receivedMs, ip, systemName ?? (line.hostname || ip), hostname || ip);
}

/** A parsed line with its arrival and sender; `fields` are read through, so a lazy parse stays lazy. */
class AttributedEvent implements NewEvent {
  readonly #line: ParsedLine;
  readonly program: string;
  readonly severity: number;
  readonly facility: number;
  readonly generatedAt: number | null;
  readonly message: string;
  readonly flags: EventFlag[];
  readonly ownFields: Record<string, string> | undefined;

  constructor(
    line: ParsedLine,
    readonly receivedMs: number,
    readonly sourceIp: string,
    readonly systemName: string,
    readonly hostname: string,
  ) {
    this.#line = line;
    this.program = line.program;
    this.severity = line.severity;
    this.facility = line.facility;
    this.generatedAt = line.generatedAt;
    this.message = line.message;
    this.flags = line.flags;
    this.ownFields = line.ownFields;
  }

  get fields(): Record<string, string> {
    return this.#line.fields;
  }
}
