// GET/POST/PUT/DELETE /api/v1/users[/:id].json: accounts, admin only. Roles: admin (users, tokens
// of anyone, drains, settings) and member (search, tail, saved searches, alerts, own tokens).
import type { FastifyInstance } from 'fastify';
import type { Role, User, UserCreateRequest, UserUpdateRequest } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import { hashPassword, passwordProblem, PASSWORD_MAX_CHARS } from '../../security/passwords.ts';
import { clearSessionCookie, type AuthContext } from '../auth.ts';

export const EMAIL_MAX_CHARS = 254; // RFC 5321 path limit
const ROLES: readonly Role[] = ['admin', 'member'];

/** Emails are compared case-insensitively; surrounding spaces are a typing accident. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** A plausible address (something@something, no spaces or control characters), normalized. */
export function checkEmail(raw: unknown): string {
  const email = typeof raw === 'string' ? normalizeEmail(raw) : '';
  if (email.length > EMAIL_MAX_CHARS || !/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u.test(email)) throw appError('BAD_REQUEST', 'email: an address like you@example.com');
  return email;
}

export function checkRole(raw: unknown): Role {
  if (!ROLES.includes(raw as Role)) throw appError('BAD_REQUEST', 'role: "admin" or "member"');
  return raw as Role;
}

const ID_PARAMS = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,15}$' } } } as const;
const PASSWORD = { type: 'string', maxLength: PASSWORD_MAX_CHARS * 4 } as const;
const CREATE_BODY = {
  type: 'object',
  required: ['email', 'password'],
  properties: { email: { type: 'string', maxLength: EMAIL_MAX_CHARS }, password: PASSWORD, role: { type: 'string', enum: ROLES } },
} as const;
const UPDATE_BODY = {
  type: 'object',
  properties: { email: { type: 'string', maxLength: EMAIL_MAX_CHARS }, password: PASSWORD, role: { type: 'string', enum: ROLES } },
} as const;

export async function userRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const config = { access: 'admin', selfAudited: true } as const;
  const find = (id: string): User => {
    const user = ctx.store.users.find(Number(id));
    if (!user) throw appError('NOT_FOUND', `no user ${id}`);
    return user;
  };

  app.get('/api/v1/users.json', { config }, async (): Promise<User[]> => ctx.store.users.list());

  app.get<{ Params: { id: string } }>('/api/v1/users/:id.json', { config, schema: { params: ID_PARAMS } }, async (request): Promise<User> => find(request.params.id));

  app.post<{ Body: UserCreateRequest }>('/api/v1/users.json', { config, schema: { body: CREATE_BODY } }, async (request, reply): Promise<User> => {
    const email = checkEmail(request.body.email);
    const role = checkRole(request.body.role ?? 'member');
    const problem = passwordProblem(request.body.password, email);
    if (problem) throw appError('BAD_REQUEST', problem);
    const user = ctx.store.users.create(email, role, await hashPassword(request.body.password), ctx.now());
    if (!user) throw appError('CONFLICT', `a user ${email} exists`);
    ctx.auditRequest(request, { action: 'user_created', outcome: 'success', details: { target: user.email, role: user.role } });
    reply.code(201);
    return user;
  });

  app.put<{ Params: { id: string }; Body: UserUpdateRequest }>(
    '/api/v1/users/:id.json',
    { config, schema: { params: ID_PARAMS, body: UPDATE_BODY } },
    async (request, reply): Promise<User> => {
      const before = find(request.params.id);
      const body = request.body ?? {};
      const email = body.email === undefined ? undefined : checkEmail(body.email);
      const role = body.role === undefined ? undefined : checkRole(body.role);
      if (body.password !== undefined) {
        const problem = passwordProblem(body.password, email ?? before.email);
        if (problem) throw appError('BAD_REQUEST', problem);
      }
      const updated = ctx.store.users.update(before.id, { email, role });
      if (!updated.ok) {
        if (updated.reason === 'not_found') throw appError('NOT_FOUND', `no user ${before.id}`);
        if (updated.reason === 'last_admin') throw appError('CONFLICT', 'cannot make the last admin a member: make someone else admin first');
        throw appError('CONFLICT', `a user ${email} exists`);
      }
      const changed = [email !== undefined && email !== before.email ? 'email' : '', role !== undefined && role !== before.role ? 'role' : ''].filter(Boolean);
      if (changed.length) {
        ctx.auditRequest(request, { action: 'user_updated', outcome: 'success', details: { target: updated.user.email, changed: changed.join(','), role: updated.user.role, was: before.email !== updated.user.email ? before.email : undefined } });
      }
      if (body.password !== undefined) {
        ctx.store.users.setPassword(before.id, await hashPassword(body.password), ctx.now());
        // A reset password ends every session of that user (but not the admin's own current one).
        const ended = ctx.store.sessions.removeAllForUser(before.id, request.principal?.sessionId);
        ctx.auditRequest(request, { action: 'password_change', outcome: 'success', details: { target: updated.user.email, by_admin: 'yes', sessions_ended: ended } });
      }
      reply.code(200);
      return ctx.store.users.find(before.id)!;
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/users/:id.json', { config, schema: { params: ID_PARAMS } }, async (request, reply) => {
    const user = find(request.params.id);
    const result = ctx.store.users.remove(user.id);
    if (result === 'not_found') throw appError('NOT_FOUND', `no user ${user.id}`);
    if (result === 'last_admin') throw appError('CONFLICT', 'cannot delete the last admin: make someone else admin first');
    ctx.auditRequest(request, { action: 'user_deleted', outcome: 'success', details: { target: user.email, role: user.role } });
    if (user.id === request.principal?.user.id) clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
}
