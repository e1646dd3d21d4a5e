// Driftwood's own security events (OWASP Logging Cheat Sheet): stored as ordinary events of system
// `driftwood`, program `security`, so they can be searched and alerted on, and written to stderr.
// Never pass passwords, session ids or tokens in `details`.
import { logfmtValue } from './logfmt-value.ts';
import type { Logger } from '../log.ts';
import type { Pipeline } from '../ingest/pipeline.ts';

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

export function createAudit(pipeline: Pipeline, log: Logger, now: () => number = Date.now): Audit {
  return (e) => {
    const pairs: [string, string | number | undefined][] = [
      ['action', e.action],
      ['outcome', e.outcome],
      ['user', e.user],
      ['ip', e.ip],
      ...Object.entries(e.details ?? {}),
    ];
    const message = pairs
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${logfmtValue(String(v))}`)
      .join(' ');
    log.warn(`security ${message}`);
    pipeline
      .submit(
        [
          {
            receivedMs: now(),
            sourceIp: e.ip ?? '127.0.0.1',
            systemName: SECURITY_SYSTEM,
            hostname: SECURITY_SYSTEM,
            program: 'security',
            severity: SEVERITY[e.outcome],
            facility: FACILITY_AUTH,
            generatedAt: null,
            message,
            fields: {},
            flags: [],
          },
        ],
        'internal',
      )
      .catch((err: Error) => log.error(`cannot store security event: ${err.message}`));
  };
}
