// Driftwood's own security events (OWASP Logging Cheat Sheet): stored as ordinary events of system
// `driftwood`, program `security`, so they can be searched and alerted on, and written to stderr.
// Never pass passwords, session ids or tokens in `details`.
import { logfmtValue, neutralize } from './logfmt-value.ts';
import type { Logger } from '../log.ts';
import type { Pipeline } from '../ingest/pipeline.ts';
import type { NewEvent } from '../store/types.ts';

export interface SecurityEvent {
  action: string; // e.g. login, drain_token, syslog_sender
  outcome: 'success' | 'failure' | 'denied' | 'info';
  ip?: string;
  user?: string;
  details?: Record<string, string | number | undefined>;
}

// Severity per outcome: failures are what an operator alerts on.
const SEVERITY = { success: 6, info: 6, failure: 4, denied: 4 } as const;
const FACILITY_AUTH = 4;
export const SECURITY_SYSTEM = 'driftwood';

export type Audit = (event: SecurityEvent) => void;

// Values come from the network (an email typed at sign-in, a request path): bound each one.
const VALUE_MAX_CHARS = 200;
const clip = (v: string) => (v.length > VALUE_MAX_CHARS ? `${v.slice(0, VALUE_MAX_CHARS)}…` : v);

/**
 * At most one event per key per interval, for what anyone can trigger at will (anonymous requests,
 * unknown tokens): the security log must not become the way to fill the disk. The next event
 * that passes reports how many were held back.
 */
export class AuditThrottle {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();
  constructor(
    private readonly now: () => number,
    private readonly intervalMs = 60_000,
  ) {}

  /** undefined: hold this one back; otherwise emit it, with the count held back before it. */
  pass(key: string): { suppressed: number } | undefined {
    const now = this.now();
    const entry = this.last.get(key);
    if (entry && entry.atMs + this.intervalMs > now) {
      entry.suppressed++;
      return undefined;
    }
    if (this.last.size >= 10_000) this.last.clear();
    this.last.set(key, { atMs: now, suppressed: 0 });
    return { suppressed: entry?.suppressed ?? 0 };
  }
}

/** The event as one logfmt line (the stored message) and as fields; values neutralized and bounded. */
export function formatSecurityEvent(e: SecurityEvent): { message: string; fields: Record<string, string> } {
  const pairs: [string, string | number | undefined][] = [
    ['action', e.action],
    ['outcome', e.outcome],
    ['user', e.user],
    ['ip', e.ip],
    ...Object.entries(e.details ?? {}),
  ];
  const kept = pairs.filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '').map(([k, v]) => [k, clip(String(v))] as const);
  // The same pairs as fields, so that live tail and alerts see them without re-parsing.
  return { message: kept.map(([k, v]) => `${k}=${logfmtValue(v)}`).join(' '), fields: Object.fromEntries(kept.map(([k, v]) => [k, neutralize(v)])) };
}

/** The stored form of a security event: system `driftwood`, program `security`. */
export function securityEvent(e: SecurityEvent, receivedMs: number): NewEvent {
  const { message, fields } = formatSecurityEvent(e);
  return {
    receivedMs,
    sourceIp: e.ip ?? '127.0.0.1',
    systemName: SECURITY_SYSTEM,
    hostname: SECURITY_SYSTEM,
    program: 'security',
    severity: SEVERITY[e.outcome],
    facility: FACILITY_AUTH,
    generatedAt: null,
    message,
    fields,
    flags: [],
  };
}

export function createAudit(pipeline: Pipeline, log: Logger, now: () => number = Date.now): Audit {
  return (e) => {
    const event = securityEvent(e, now());
    log.warn(`security ${event.message}`);
    pipeline.submit([event], 'internal').catch((err: Error) => log.error(`cannot store security event: ${err.message}`));
  };
}
