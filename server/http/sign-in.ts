// What every password- or code-checking route shares (sign-in, setup, password change): ask the
// LoginLimiter first, report failures with their attempt count and lockouts, and answer a limited
// caller with 429 + Retry-After. Answers never depend on whether the account exists.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError, type AppError } from '../errors.ts';
import { AuditThrottle } from '../security/audit.ts';
import { ACCOUNT_POLICY, IP_POLICY, type Attempt } from '../security/login-limiter.ts';
import type { AuthContext } from './auth.ts';

export type CheckedAction = 'login' | 'setup' | 'password_change';

const refusalThrottles = new WeakMap<AuthContext, AuditThrottle>();

/**
 * Starts an attempt for `account` from the request's address; throws 429 when the limiter says
 * wait (auditing that at most once a minute per account and scope).
 */
export function beginAttempt(ctx: AuthContext, request: FastifyRequest, reply: FastifyReply, action: CheckedAction, account: string): Attempt {
  const decision = ctx.limiter.begin(request.ip, account);
  if (decision.allowed) return decision.attempt;
  const retryAfterS = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  let throttle = refusalThrottles.get(ctx);
  if (!throttle) refusalThrottles.set(ctx, (throttle = new AuditThrottle(ctx.now)));
  const pass = throttle.pass(`${action} ${decision.locked ? 'locked' : 'slowed'} ${decision.scope} ${decision.scope === 'ip' ? request.ip : account}`);
  if (pass) {
    ctx.auditRequest(request, {
      action,
      outcome: 'denied',
      user: account,
      details: { reason: decision.locked ? 'locked out' : 'too many attempts', scope: decision.scope, retry_after_s: retryAfterS, repeats_held_back: pass.suppressed || undefined },
    });
  }
  reply.header('retry-after', retryAfterS);
  throw tooMany(retryAfterS);
}

function tooMany(retryAfterS: number): AppError {
  return appError('TOO_MANY', `too many attempts: try again in ${retryAfterS} s`);
}

/** Counts a failure, audits it (with the attempt number) and any lockout it caused. */
export function recordFailure(ctx: AuthContext, request: FastifyRequest, attempt: Attempt, action: CheckedAction, account: string, reason: string): void {
  const result = attempt.fail();
  ctx.auditRequest(request, { action, outcome: 'failure', user: account, details: { reason, attempt: result.accountFailures, attempts_from_ip: result.ipFailures } });
  for (const scope of result.lockedNow) {
    const policy = scope === 'ip' ? 'address' : 'account';
    ctx.auditRequest(request, {
      action: 'lockout',
      outcome: 'denied',
      user: account,
      details: { of: action, scope: policy, failures: scope === 'ip' ? result.ipFailures : result.accountFailures, lasts_s: (scope === 'ip' ? IP_POLICY : ACCOUNT_POLICY).lockoutMs / 1000 },
    });
  }
}
