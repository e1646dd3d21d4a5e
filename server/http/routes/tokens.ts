// GET/POST/DELETE /api/v1/tokens[/:id].json: the caller's API tokens. A token acts as its owner
// (same role) until revoked; POST returns it once and only its hash is kept. An admin may also
// list (?all=true) and revoke anyone's tokens.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiToken, ApiTokenCreated } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import type { ApiTokenRow } from '../../store/index.ts';
import type { AuthContext } from '../auth.ts';

const NAME_MAX_CHARS = 100;
const ID_PARAMS = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,15}$' } } } as const;

export function checkTokenName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name || name.length > NAME_MAX_CHARS || /\p{Cc}/u.test(name)) throw appError('BAD_REQUEST', `name: 1-${NAME_MAX_CHARS} characters, e.g. "laptop cli" or "prometheus"`);
  return name;
}

export async function tokenRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const config = { access: 'member', selfAudited: true } as const;
  /** A token the caller may see: their own, or any for an admin; others look absent. */
  const visible = (request: FastifyRequest, id: string): ApiTokenRow => {
    const p = request.principal!;
    const token = ctx.store.apiTokens.find(Number(id));
    if (!token || (token.user_id !== p.user.id && p.user.role !== 'admin')) throw appError('NOT_FOUND', `no token ${id}`);
    return token;
  };

  app.get<{ Querystring: { all?: string } }>('/api/v1/tokens.json', { config }, async (request): Promise<ApiToken[]> => {
    const p = request.principal!;
    const all = request.query.all === 'true' || request.query.all === '1';
    if (all && p.user.role !== 'admin') throw appError('FORBIDDEN', 'only an admin may list everyone\'s tokens');
    return ctx.store.apiTokens.list(all ? undefined : p.user.id);
  });

  app.get<{ Params: { id: string } }>('/api/v1/tokens/:id.json', { config, schema: { params: ID_PARAMS } }, async (request): Promise<ApiToken> => visible(request, request.params.id));

  app.post<{ Body: { name?: unknown; token?: { name?: unknown } } | undefined }>('/api/v1/tokens.json', { config }, async (request, reply): Promise<ApiTokenCreated> => {
    const p = request.principal!;
    const name = checkTokenName(request.body?.name ?? request.body?.token?.name);
    const { token, secret } = ctx.store.apiTokens.create(p.user.id, name, ctx.now());
    ctx.auditRequest(request, { action: 'api_token_created', outcome: 'success', details: { token_id: token.id, token_name: name, owner: p.user.email } });
    reply.code(201);
    return { ...token, token: secret };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id.json', { config, schema: { params: ID_PARAMS } }, async (request, reply) => {
    const token = visible(request, request.params.id);
    if (!ctx.store.apiTokens.revoke(token.id, ctx.now())) throw appError('NOT_FOUND', `no token ${token.id}`);
    const owner = ctx.store.users.find(token.user_id)?.email;
    ctx.auditRequest(request, { action: 'api_token_revoked', outcome: 'success', details: { token_id: token.id, token_name: token.name, owner } });
    return reply.code(204).send();
  });
}
