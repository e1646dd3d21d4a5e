// Passwords: scrypt (node:crypto) with a per-user salt, verified in constant time, and a policy
// after NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, no common passwords.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const PASSWORD_MIN_CHARS = 12;
// scrypt accepts any length, but a megabyte password costs a megabyte per request: cap it.
export const PASSWORD_MAX_CHARS = 1024;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 (128 MiB, ~0.4 s on a small server).
// The parameters are stored with each hash, so raising them later keeps old hashes valid.
export const SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Each scrypt call holds 128 MiB: at most this many run at once, the rest wait their turn, so a
// burst of sign-ins cannot exhaust memory or libuv's thread pool (which file I/O also needs).
const HASH_CONCURRENCY = 2;

const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')),
);

let running = 0;
const waiting: (() => void)[] = [];

async function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // A finished call hands its slot straight to the next waiter, so `running` never overshoots.
  if (running < HASH_CONCURRENCY) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
    return await new Promise<Buffer>((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (e, key) => (e ? reject(e) : resolve(key))));
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** `scrypt$N$r$p$salt$key` (base64url): everything needed to verify, and to upgrade later. */
export async function hashPassword(password: string, cost: ScryptCost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

let dummyHash: Promise<string> | undefined;

/**
 * True when the password matches the stored hash. With no stored hash (no such account) it still
 * runs scrypt against a dummy hash of the same cost, so the answer takes as long either way and
 * timing does not tell whether an account exists.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const hash = stored ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  const parts = hash.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || !salt || !key) throw new Error('BUG: stored password hash is not scrypt$N$r$p$salt$key');
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== undefined;
}

const LEET: Record<string, string> = { '@': 'a', '4': 'a', '8': 'b', '3': 'e', '6': 'g', '1': 'i', '!': 'i', '0': 'o', '$': 's', '5': 's', '7': 't', '+': 't', '2': 'z' };

/** The forms of a password to look up in the common list: as typed, stripped, de-leeted. */
function commonForms(password: string): string[] {
  const lower = password.toLowerCase();
  const stripped = lower.replace(/^[\d\W_]+/u, '').replace(/[\d\W_]+$/u, '');
  const forms = new Set([lower, stripped, lower.replace(/[\s_.-]+/g, '')]);
  for (const f of [...forms]) {
    forms.add(f.replace(/[@4831!0$57+2]/g, (c) => LEET[c]!));
    forms.add(f.replace(/[@4831!0$57+2]/g, (c) => (c === '1' ? 'l' : LEET[c]!)));
  }
  // "passwordpassword", "abcabcabcabc": a short unit repeated
  const unit = /^(.+?)\1+$/.exec(stripped)?.[1];
  if (unit) forms.add(unit);
  return [...forms].filter(Boolean);
}

/** Why a password is not acceptable, or undefined when it is. Never includes the password. */
export function passwordProblem(password: string, email?: string): string | undefined {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_CHARS) return `password: at least ${PASSWORD_MIN_CHARS} characters`;
  if (chars > PASSWORD_MAX_CHARS) return `password: at most ${PASSWORD_MAX_CHARS} characters`;
  if (new Set(password).size < 5) return 'password: too repetitive (use a few random words)';
  if (commonForms(password).some((f) => COMMON.has(f) || /^\d+$/.test(f))) return 'password: too common (use a few random words)';
  if (email) {
    const lower = password.toLowerCase();
    const local = email.toLowerCase().split('@')[0]!;
    if (lower.includes(email.toLowerCase()) || (local.length >= 4 && commonForms(password).includes(local))) return 'password: must not be your email address';
  }
  return undefined;
}
