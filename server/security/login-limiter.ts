// Sign-in brute-force protection (OWASP Authentication Cheat Sheet): failures are counted per
// source IP and per account name. After a few free failures each further attempt must wait a
// growing delay (1 s, 2 s, 4 s …); after more, the key is locked for a while. Unknown account
// names are counted exactly like real ones, so the answers never tell whether an account exists.
// Pure apart from the injected clock; state is in memory (a restart forgets it, on purpose: a
// lockout is temporary).

export interface LimitPolicy {
  /** Failures allowed with no delay. */
  freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** At this many failures the key is locked for lockoutMs. */
  lockoutFailures: number;
  lockoutMs: number;
  /** Failures older than this (since the last one) are forgotten. */
  forgetAfterMs: number;
}

const MINUTE = 60_000;

// An account sees 5 free tries, then waits 1, 2, 4, 8, 16 s, then is locked for 15 minutes.
export const ACCOUNT_POLICY: LimitPolicy = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: MINUTE, lockoutFailures: 10, lockoutMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE };
// One address may be a whole office behind NAT, and one attacker sprays many accounts from it:
// more free tries than an account, but a lockout all the same.
export const IP_POLICY: LimitPolicy = { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: MINUTE, lockoutFailures: 40, lockoutMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE };

// Concurrent attempts on one key: requests sent in parallel must not all slip past the count.
const IN_FLIGHT_MAX = 2;
// Bounded memory under a flood of made-up account names; stale keys go first.
const KEYS_MAX = 50_000;

export type Scope = 'ip' | 'account';

interface KeyState {
  failures: number;
  inFlight: number;
  lastFailureMs: number;
  lockedUntilMs: number;
}

export type Decision =
  | { allowed: true; attempt: Attempt }
  | { allowed: false; scope: Scope; retryAfterMs: number; locked: boolean };

export interface FailureResult {
  /** Failures counted for the account (this one included): the attempt number for the log. */
  accountFailures: number;
  ipFailures: number;
  /** Scopes that this failure has just locked. */
  lockedNow: Scope[];
}

export interface Attempt {
  fail(): FailureResult;
  succeed(): void;
  /** The attempt ended without a verdict on the credentials (e.g. invalid input): uncounted. */
  abandon(): void;
}

export class LoginLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly now: () => number,
    private readonly policies: Record<Scope, LimitPolicy> = { ip: IP_POLICY, account: ACCOUNT_POLICY },
  ) {}

  /** Asks to try a password for `account` from `ip`; an allowed attempt must end in fail/succeed/abandon. */
  begin(ip: string, account: string): Decision {
    const now = this.now();
    const scopes: [Scope, string][] = [
      ['ip', `ip ${ip}`],
      ['account', `account ${account.toLowerCase()}`],
    ];
    for (const [scope, key] of scopes) {
      const wait = this.waitMs(this.state(key, now), this.policies[scope], now);
      if (wait) return { allowed: false, scope, retryAfterMs: wait.ms, locked: wait.locked };
    }
    const states = scopes.map(([, key]) => this.state(key, now, true)!);
    for (const s of states) s.inFlight++;
    let done = false;
    const end = () => {
      if (done) throw new Error('BUG: sign-in attempt ended twice');
      done = true;
      for (const s of states) s.inFlight--;
    };
    const [ipState, accountState] = states as [KeyState, KeyState];
    return {
      allowed: true,
      attempt: {
        fail: () => {
          end();
          const at = this.now();
          const lockedNow: Scope[] = [];
          for (const [scope, s] of [['ip', ipState], ['account', accountState]] as const) {
            s.failures++;
            s.lastFailureMs = at;
            if (s.failures >= this.policies[scope].lockoutFailures && s.lockedUntilMs <= at) {
              s.lockedUntilMs = at + this.policies[scope].lockoutMs;
              lockedNow.push(scope);
            }
          }
          return { accountFailures: accountState.failures, ipFailures: ipState.failures, lockedNow };
        },
        succeed: () => {
          end();
          // The account's slate is wiped; the address keeps its count, or an attacker holding one
          // valid account could reset their own counter between guesses at others.
          accountState.failures = 0;
          accountState.lockedUntilMs = 0;
        },
        abandon: end,
      },
    };
  }

  /** Failures currently counted for an account (0 when forgotten). */
  failures(account: string): number {
    return this.state(`account ${account.toLowerCase()}`, this.now())?.failures ?? 0;
  }

  private waitMs(s: KeyState | undefined, policy: LimitPolicy, now: number): { ms: number; locked: boolean } | undefined {
    if (!s) return undefined;
    if (s.lockedUntilMs > now) return { ms: s.lockedUntilMs - now, locked: true };
    if (s.failures + s.inFlight >= policy.lockoutFailures || s.inFlight >= IN_FLIGHT_MAX) return { ms: policy.baseDelayMs, locked: false };
    if (s.failures >= policy.freeFailures) {
      const delay = Math.min(policy.baseDelayMs * 2 ** (s.failures - policy.freeFailures), policy.maxDelayMs);
      // Once delays apply, attempts are taken one at a time.
      if (s.inFlight > 0) return { ms: delay, locked: false };
      if (s.lastFailureMs + delay > now) return { ms: s.lastFailureMs + delay - now, locked: false };
    }
    return undefined;
  }

  /** The state of a key after expiring what is due; created when `create`. */
  private state(key: string, now: number, create = false): KeyState | undefined {
    let s = this.keys.get(key);
    if (s && s.inFlight === 0 && this.stale(s, now)) {
      this.keys.delete(key);
      s = undefined;
    }
    if (!s && create) {
      if (this.keys.size >= KEYS_MAX) this.sweep(now);
      s = { failures: 0, inFlight: 0, lastFailureMs: 0, lockedUntilMs: 0 };
      this.keys.set(key, s);
    }
    return s;
  }

  private stale(s: KeyState, now: number): boolean {
    // A lock that ran out starts the key afresh; so do failures long past.
    if (s.lockedUntilMs !== 0) return s.lockedUntilMs <= now;
    return s.lastFailureMs + Math.max(this.policies.ip.forgetAfterMs, this.policies.account.forgetAfterMs) <= now;
  }

  private sweep(now: number): void {
    for (const [key, s] of this.keys) if (s.inFlight === 0 && this.stale(s, now)) this.keys.delete(key);
    // Still full: drop the oldest entries (Map keeps insertion order).
    for (const key of this.keys.keys()) {
      if (this.keys.size < KEYS_MAX * 0.9) break;
      if (this.keys.get(key)!.inFlight === 0) this.keys.delete(key);
    }
  }
}
