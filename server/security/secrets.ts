// Small secrets the HTTP layer needs: the one-time setup code, CSRF tokens, constant-time compare.
import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';

// Crockford's base 32: no I, L, O or U, so a code read off a terminal is typed back right.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** XXXX-XXXX: 40 random bits; with the sign-in limiter in front, enough for a code that lives minutes. */
export function newSetupCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Compares what a user typed with the code: case, spaces and dashes ignored, O/I/L read as 0/1/1. */
export function setupCodeMatches(typed: string, code: string): boolean {
  const norm = (s: string) => s.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return safeEqual(norm(typed), norm(code));
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b)) && a === b;
}

/**
 * The CSRF token of a session (synchronizer token, derived rather than stored): an HMAC keyed by
 * the session id. Knowing it reveals nothing about the session id; a page on another site can
 * neither read it nor compute it.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('driftwood csrf v1').digest('base64url');
}
