import { describe, expect, test } from 'vitest';
import { ACCOUNT_POLICY, IP_POLICY, LoginLimiter, type Decision } from '../../../server/security/login-limiter.ts';

function setup() {
  let now = 1_000_000;
  const limiter = new LoginLimiter(() => now);
  const advance = (ms: number) => (now += ms);
  const allowed = (d: Decision) => {
    if (!d.allowed) throw new Error(`refused: ${JSON.stringify(d)}`);
    return d.attempt;
  };
  return { limiter, advance, allowed };
}

describe('LoginLimiter, per account', () => {
  test('5 free failures, then 1 s, 2 s, 4 s, 8 s, 16 s, then a 15-minute lockout', () => {
    const { limiter, advance, allowed } = setup();
    for (let i = 1; i <= 5; i++) expect(allowed(limiter.begin(`10.0.0.${i}`, 'ann@example.com')).fail().accountFailures).toBe(i);
    const waits: number[] = [];
    for (let i = 6; i <= 10; i++) {
      const refused = limiter.begin('10.0.1.1', 'ann@example.com');
      expect(refused.allowed).toBe(false);
      if (refused.allowed) return;
      expect(refused.scope).toBe('account');
      waits.push(refused.retryAfterMs);
      advance(refused.retryAfterMs);
      const result = allowed(limiter.begin('10.0.1.1', 'ann@example.com')).fail();
      expect(result.lockedNow).toEqual(i === 10 ? ['account'] : []);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000]);
    const locked = limiter.begin('10.9.9.9', 'ANN@example.com');
    expect(locked).toMatchObject({ allowed: false, scope: 'account', locked: true, retryAfterMs: ACCOUNT_POLICY.lockoutMs });
    advance(ACCOUNT_POLICY.lockoutMs);
    allowed(limiter.begin('10.9.9.9', 'ann@example.com')).succeed();
  });

  test('a success wipes the account count', () => {
    const { limiter, allowed } = setup();
    for (let i = 0; i < 4; i++) allowed(limiter.begin('10.0.0.1', 'bob')).fail();
    allowed(limiter.begin('10.0.0.1', 'bob')).succeed();
    expect(limiter.failures('bob')).toBe(0);
    expect(allowed(limiter.begin('10.0.0.1', 'bob')).fail().accountFailures).toBe(1);
  });

  test('failures are forgotten 15 minutes after the last one', () => {
    const { limiter, advance, allowed } = setup();
    for (let i = 0; i < 5; i++) allowed(limiter.begin('10.0.0.1', 'cy')).fail();
    advance(ACCOUNT_POLICY.forgetAfterMs);
    expect(allowed(limiter.begin('10.0.0.1', 'cy')).fail().accountFailures).toBe(1);
  });

  test('parallel attempts cannot slip past the count', () => {
    const { limiter, allowed } = setup();
    for (let i = 0; i < 5; i++) allowed(limiter.begin('10.0.0.1', 'dee')).fail();
    // Delays apply now: one attempt at a time, and only after the delay.
    expect(limiter.begin('10.0.0.2', 'dee').allowed).toBe(false);
    const { limiter: fresh } = setup();
    const inFlight = [fresh.begin('10.0.0.1', 'eve'), fresh.begin('10.0.0.2', 'eve'), fresh.begin('10.0.0.3', 'eve')];
    expect(inFlight.map((d) => d.allowed)).toEqual([true, true, false]);
  });

  test('an unknown account name is limited exactly like a real one (the limiter cannot tell)', () => {
    const { limiter, allowed } = setup();
    for (let i = 0; i < 5; i++) allowed(limiter.begin('10.0.0.1', `nobody-${'x'}@example.com`)).fail();
    expect(limiter.begin('10.0.0.1', 'nobody-x@example.com')).toMatchObject({ allowed: false, scope: 'account', retryAfterMs: 1000 });
  });
});

describe('LoginLimiter, per address', () => {
  test('one address spraying many accounts is slowed, then locked', () => {
    const { limiter, advance, allowed } = setup();
    for (let i = 0; i < IP_POLICY.freeFailures; i++) allowed(limiter.begin('203.0.113.9', `user${i}`)).fail();
    const refused = limiter.begin('203.0.113.9', 'someone-new');
    expect(refused).toMatchObject({ allowed: false, scope: 'ip', retryAfterMs: IP_POLICY.baseDelayMs });
    // Another address is not affected.
    allowed(limiter.begin('203.0.113.10', 'someone-new')).abandon();
    const locks: string[][] = [];
    for (let i = IP_POLICY.freeFailures; i < IP_POLICY.lockoutFailures; i++) {
      const d = limiter.begin('203.0.113.9', `user${i}`);
      if (!d.allowed) {
        advance(d.retryAfterMs);
        i--;
        continue;
      }
      locks.push(d.attempt.fail().lockedNow);
    }
    expect(locks.at(-1)).toEqual(['ip']);
    expect(limiter.begin('203.0.113.9', 'fresh')).toMatchObject({ allowed: false, scope: 'ip', locked: true });
  });

  test('a success does not reset the address count', () => {
    const { limiter, allowed } = setup();
    for (let i = 0; i < IP_POLICY.freeFailures; i++) allowed(limiter.begin('198.51.100.1', `u${i}`)).fail();
    expect(limiter.begin('198.51.100.1', 'mine').allowed).toBe(false);
  });
});
