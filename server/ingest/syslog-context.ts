// What every syslog listener (UDP, TCP, TLS) shares: parse frames from one peer and submit them.
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { parseSyslog } from '../parse/syslog.ts';
import type { Audit } from '../security/audit.ts';
import type { Store } from '../store/index.ts';
import type { AllowCheck } from './allow.ts';
import { attribute } from './attribute.ts';
import type { Pipeline } from './pipeline.ts';

export interface SyslogContext {
  pipeline: Pipeline;
  store: Store;
  metrics: Metrics;
  log: Logger;
  audit: Audit;
  allow: AllowCheck;
  maxMessageBytes: number;
  timeZone: string;
  now: () => number;
}

const DENIED_AUDIT_INTERVAL_MS = 60_000; // one security event per address per minute, not per packet

/** Checks the allow-list, auditing a refused address at most once a minute. */
export function makeAllowGate(ctx: SyslogContext): (ip: string, transport: string) => boolean {
  const lastAudit = new Map<string, number>();
  return (ip, transport) => {
    if (ctx.allow(ip)) return true;
    ctx.metrics.inc('driftwood_syslog_denied_total', 'syslog packets or connections refused by DRIFTWOOD_SYSLOG_ALLOW', { transport });
    const now = ctx.now();
    if ((lastAudit.get(ip) ?? 0) + DENIED_AUDIT_INTERVAL_MS <= now) {
      if (lastAudit.size > 10_000) lastAudit.clear();
      lastAudit.set(ip, now);
      ctx.audit({ action: 'syslog_sender', outcome: 'denied', ip, details: { transport, reason: 'not in DRIFTWOOD_SYSLOG_ALLOW' } });
    }
    return false;
  };
}

/** Parses complete frames from one peer and submits them as one batch; blank frames hold no event. */
export function submitFrames(ctx: SyslogContext, frames: Uint8Array[], ip: string, transport: string) {
  if (!frames.every(hasText)) frames = frames.filter(hasText);
  if (!frames.length) return Promise.resolve(); // an empty UDP datagram, a blank TCP line
  const receivedMs = ctx.now();
  const opts = { now: new Date(receivedMs), timeZone: ctx.timeZone, maxMessageBytes: ctx.maxMessageBytes };
  // A Heroku syslog drain puts its token in every line's HOSTNAME: one lookup per batch, not per line.
  // (A connection carries one drain's lines: remembering the last token is enough.)
  let lastToken: string | undefined;
  let lastName: string | undefined;
  const drainNameOfToken = (token: string) => {
    if (token !== lastToken) {
      lastToken = token;
      lastName = ctx.store.drains.byTokenValue(token)?.name;
    }
    return lastName;
  };
  const events = frames.map((f) => attribute(parseSyslog(f, opts), { ip, drainNameOfToken }, receivedMs));
  return ctx.pipeline.submit(events, transport);
}

/** Anything but blanks, line ends and NULs (what `echo | nc -u` or a keep-alive newline sends). */
function hasText(frame: Uint8Array): boolean {
  for (const b of frame) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x00) return true;
  return false;
}
