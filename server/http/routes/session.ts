// Sign in, who am I, sign out, sign out everywhere, change my password (DESIGN 4).
//   POST   /api/v1/session   {email,password}  public: sets the session cookie, returns the CSRF token
//   GET    /api/v1/session                     the caller (and, for a cookie session, its CSRF token)
//   DELETE /api/v1/session                     sign out this browser
//   DELETE /api/v1/sessions                    sign out every browser session of the caller
//   POST   /api/v1/password  {current_password,new_password}
import type { FastifyInstance } from 'fastify';
import type { PasswordChangeRequest, SessionInfo, SignInRequest } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import { hashPassword, passwordProblem, PASSWORD_MAX_CHARS, verifyPassword } from '../../security/passwords.ts';
import { csrfTokenFor } from '../../security/secrets.ts';
import { clearSessionCookie, SIGN_IN_RATE, startSession, type AuthContext } from '../auth.ts';
import { beginAttempt, recordFailure } from '../sign-in.ts';
import { EMAIL_MAX_CHARS, normalizeEmail } from './users.ts';

const SIGN_IN_BODY = {
  type: 'object',
  required: ['email', 'password'],
  properties: { email: { type: 'string', maxLength: EMAIL_MAX_CHARS }, password: { type: 'string', maxLength: PASSWORD_MAX_CHARS * 4 } },
} as const;

const PASSWORD_BODY = {
  type: 'object',
  required: ['current_password', 'new_password'],
  properties: { current_password: { type: 'string', maxLength: PASSWORD_MAX_CHARS * 4 }, new_password: { type: 'string', maxLength: PASSWORD_MAX_CHARS * 4 } },
} as const;

// One answer for an unknown account and a wrong password (OWASP Authentication Cheat Sheet).
const SIGN_IN_FAILED = 'wrong email or password';

export async function sessionRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  app.post<{ Body: SignInRequest }>(
    '/api/v1/session',
    { schema: { body: SIGN_IN_BODY }, config: { access: 'public', rateLimit: SIGN_IN_RATE } },
    async (request, reply): Promise<SessionInfo> => {
      const email = normalizeEmail(request.body.email);
      const attempt = beginAttempt(ctx, request, reply, 'login', email);
      const credentials = ctx.store.users.credentials(email);
      let ok: boolean;
      try {
        // Runs scrypt even for an unknown account, so timing does not tell either.
        ok = await verifyPassword(request.body.password, credentials?.passwordHash);
      } catch (e) {
        attempt.abandon();
        throw e;
      }
      if (!ok || !credentials) {
        recordFailure(ctx, request, attempt, 'login', email, credentials ? 'wrong password' : 'unknown account');
        throw appError('UNAUTHENTICATED', SIGN_IN_FAILED);
      }
      attempt.succeed();
      const csrf = startSession(ctx, request, reply, credentials.user);
      ctx.auditRequest(request, { action: 'login', outcome: 'success', user: credentials.user.email });
      return { user: credentials.user, via: 'session', csrf_token: csrf };
    },
  );

  app.get('/api/v1/session', async (request): Promise<SessionInfo> => {
    const p = request.principal!;
    return p.via === 'session' ? { user: p.user, via: 'session', csrf_token: csrfTokenFor(p.sessionId!) } : { user: p.user, via: 'token' };
  });

  app.delete('/api/v1/session', async (request, reply) => {
    const p = request.principal!;
    if (p.via !== 'session') throw appError('BAD_REQUEST', 'signed in with an API token, not a session: revoke the token with DELETE /api/v1/tokens/:id.json');
    ctx.store.sessions.remove(p.sessionId!);
    clearSessionCookie(request, reply);
    ctx.auditRequest(request, { action: 'logout', outcome: 'success' });
    return reply.code(204).send();
  });

  app.delete('/api/v1/sessions', async (request, reply): Promise<{ sessions_ended: number }> => {
    const p = request.principal!;
    const ended = ctx.store.sessions.removeAllForUser(p.user.id);
    if (p.via === 'session') clearSessionCookie(request, reply);
    ctx.auditRequest(request, { action: 'logout_everywhere', outcome: 'success', details: { sessions_ended: ended } });
    return { sessions_ended: ended };
  });

  app.post<{ Body: PasswordChangeRequest }>('/api/v1/password', { schema: { body: PASSWORD_BODY }, config: { rateLimit: SIGN_IN_RATE } }, async (request, reply) => {
    const p = request.principal!;
    const problem = passwordProblem(request.body.new_password, p.user.email);
    if (problem) throw appError('BAD_REQUEST', problem);
    // Guessing the current password here is guessing a password: same limiter as sign-in.
    const attempt = beginAttempt(ctx, request, reply, 'password_change', p.user.email);
    let ok: boolean;
    try {
      ok = await verifyPassword(request.body.current_password, ctx.store.users.passwordHash(p.user.id));
    } catch (e) {
      attempt.abandon();
      throw e;
    }
    if (!ok) {
      recordFailure(ctx, request, attempt, 'password_change', p.user.email, 'wrong current password');
      throw appError('FORBIDDEN', 'current password is wrong');
    }
    attempt.succeed();
    ctx.store.users.setPassword(p.user.id, await hashPassword(request.body.new_password), ctx.now());
    // Whoever else held a session of this account is out; this browser stays in.
    const ended = ctx.store.sessions.removeAllForUser(p.user.id, p.sessionId);
    ctx.auditRequest(request, { action: 'password_change', outcome: 'success', details: { target: p.user.email, other_sessions_ended: ended } });
    return reply.code(204).send();
  });
}
