// An event as the RFC 5424 line a sender could have sent (the details panel's "Line"). The bytes
// as received are not kept (DESIGN 2 stores the parsed fields); this rebuilds a line from them, so
// that it can be copied into a bug report or replayed with `logger --rfc5424`. A line Driftwood
// could not parse is stored whole as its message (flag `unparsed`), so that one shows as it came.
import { facilityCode, severityCode, type Event } from '../../../shared/event.ts';

export function syslogLine(e: Event): string {
  if (e.flags.includes('unparsed')) return e.message;
  const pri = (facilityCode(e.facility) ?? 1) * 8 + (severityCode(e.severity) ?? 5);
  // RFC 5424 §6: NILVALUE `-` for an absent field; HOSTNAME and APP-NAME hold no spaces.
  const field = (s: string | null | undefined) => (s ? s.replace(/\s/g, '_') : '-');
  return `<${pri}>1 ${e.generated_at ?? e.received_at} ${field(e.hostname)} ${field(e.program)} - - - ${e.message}`;
}
