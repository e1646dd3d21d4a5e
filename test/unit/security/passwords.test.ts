import { describe, expect, test } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../../server/security/passwords.ts';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('passwordProblem', () => {
  const ok = (pw: string, email?: string) => expect(passwordProblem(pw, email)).toBeUndefined();
  const bad = (pw: string, why: RegExp, email?: string) => expect(passwordProblem(pw, email)).toMatch(why);

  test('accepts long passphrases, whatever their characters', () => {
    ok('tidal otter umbrella 42');
    ok('vQ9#kL2$mN7!');
    ok('ünïcödé pässwörd ☃☃');
    ok('x'.repeat(5) + 'abcdefgh');
  });
  test('refuses short, common, repetitive and numeric passwords', () => {
    bad('short pw 1', /at least 12/);
    bad('password1234', /too common/);
    bad('Password12345678!', /too common/);
    bad('P@ssw0rd2024!!', /too common/);
    bad('!!!qwertyuiop', /too common/);
    bad('correct horse battery staple', /too common/);
    bad('iloveyouiloveyou', /too common/);
    bad('123456789012', /too common/);
    bad('aaaaaaaaaaaaaaaa', /repetitive/);
    bad('abababababababab', /repetitive/);
    bad('x'.repeat(2000), /at most 1024|repetitive/);
  });
  test('refuses the email address as the password', () => {
    bad('margaret.hamilton', /email/, 'margaret.hamilton@example.com');
    bad('margaret.hamilton@example.com', /email/, 'margaret.hamilton@example.com');
  });
  test('never repeats the password in its answer', () => {
    expect(passwordProblem('password1234')).not.toContain('password1234');
  });
});

describe('hashPassword / verifyPassword', () => {
  test('a hash verifies its own password only', async () => {
    const hash = await hashPassword('tidal otter umbrella 42', CHEAP);
    expect(await verifyPassword('tidal otter umbrella 42', hash)).toBe(true);
    expect(await verifyPassword('tidal otter umbrella 43', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });
  test('the hash holds scheme, cost and a per-hash salt, never the password', async () => {
    const a = await hashPassword('tidal otter umbrella 42', CHEAP);
    const b = await hashPassword('tidal otter umbrella 42', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('otter');
  });
  test('the default cost is OWASP scrypt N=2^17, r=8, p=1', async () => {
    expect(await hashPassword('tidal otter umbrella 42')).toMatch(/^scrypt\$131072\$8\$1\$/);
  });
  test('an unknown account (no stored hash) is false, after the same work', async () => {
    expect(await verifyPassword('anything at all 123', undefined)).toBe(false);
  });
  test('unicode forms of the same password verify (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait 1234', CHEAP);
    expect(await verifyPassword('cafe\u0301 au lait 1234', hash)).toBe(true);
  });
});
