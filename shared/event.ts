// The stored event (DESIGN 2): the Papertrail API's JSON shape plus `fields` and `flags`.

export const SEVERITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Info', 'Debug'] as const;
export type Severity = (typeof SEVERITIES)[number];

// RFC 5424 §6.2.1 facility codes 0..23, named as Papertrail shows them.
export const FACILITIES = [
  'Kern', 'User', 'Mail', 'Daemon', 'Auth', 'Syslog', 'Lpr', 'News', 'Uucp', 'Cron', 'Authpriv', 'Ftp',
  'Ntp', 'Audit', 'Alert', 'Clock', 'Local0', 'Local1', 'Local2', 'Local3', 'Local4', 'Local5', 'Local6', 'Local7',
] as const;
export type Facility = (typeof FACILITIES)[number];

export const EVENT_FLAGS = ['unparsed', 'truncated', 'invalid_utf8', 'severity_inferred'] as const;
export type EventFlag = (typeof EVENT_FLAGS)[number];

export interface Event {
  id: string; // decimal 64-bit integer, strictly increasing in arrival order
  received_at: string; // ISO 8601, UTC
  generated_at: string | null; // the sender's timestamp
  display_received_at: string; // "May 30 16:24:40" (UTC)
  source_ip: string;
  source_id: number;
  source_name: string;
  hostname: string;
  program: string;
  severity: Severity;
  facility: Facility;
  message: string;
  fields: Record<string, string>;
  flags: EventFlag[];
}

export function severityName(code: number): Severity {
  return SEVERITIES[code] ?? 'Info';
}

export function facilityName(code: number): Facility {
  return FACILITIES[code] ?? 'User';
}

/** Severity code (0 = Emergency … 7 = Debug) from a case-insensitive name or DESIGN 5 alias. */
export function severityCode(name: string): number | undefined {
  const lower = name.toLowerCase();
  const alias: Record<string, number> = { emerg: 0, panic: 0, crit: 2, err: 3, warn: 4, information: 6, informational: 6 };
  if (Object.hasOwn(alias, lower)) return alias[lower];
  const i = SEVERITIES.findIndex((s) => s.toLowerCase() === lower);
  return i < 0 ? undefined : i;
}

export function facilityCode(name: string): number | undefined {
  const lower = name.toLowerCase();
  const i = FACILITIES.findIndex((f) => f.toLowerCase() === lower);
  return i < 0 ? undefined : i;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "May 30 16:24:40": the Papertrail display form of a UTC instant. */
export function displayTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
