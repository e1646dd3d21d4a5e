// /api/v1/groups[/:id].json: named sets of systems, by list or by a wildcard on system names.
// Members read them (they filter searches); admins change them. GET /api/v1/groups/preview.json
// lists the systems a wildcard would take in, for the group editor's live preview.
import type { FastifyInstance } from 'fastify';
import type { Group, GroupPreviewResponse } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';

interface GroupBody {
  name?: unknown;
  system_wildcard?: unknown;
  system_ids?: unknown;
  group?: GroupBody; // Papertrail's nested form
}

const NAME = /^[^\s*][^*]{0,99}$/;

function checkBody(store: Store, raw: GroupBody | undefined): { name: string; system_wildcard: string | null; system_ids: number[] } {
  const body = raw?.group ?? raw ?? {};
  if (typeof body.name !== 'string' || !NAME.test(body.name)) throw appError('BAD_REQUEST', 'name: 1-100 characters, no "*", not starting with a space');
  const wildcard = body.system_wildcard ?? null;
  if (wildcard !== null) checkWildcard(wildcard);
  const ids = body.system_ids ?? [];
  if (!Array.isArray(ids) || !ids.every((x) => Number.isSafeInteger(x))) throw appError('BAD_REQUEST', 'system_ids: a list of system ids');
  for (const id of ids as number[]) if (!store.systems.find(String(id))) throw appError('BAD_REQUEST', `system_ids: no system ${id}`);
  return { name: body.name, system_wildcard: wildcard as string | null, system_ids: ids as number[] };
}

function checkWildcard(wildcard: unknown): string {
  if (typeof wildcard !== 'string' || wildcard.length === 0 || wildcard.length > 200) throw appError('BAD_REQUEST', 'system_wildcard: a pattern such as "web-*", or null');
  return wildcard;
}

export async function groupRoutes(app: FastifyInstance, opts: { store: Store; now: () => number }): Promise<void> {
  const { store } = opts;
  const find = (id: string) => {
    const g = /^\d+$/.test(id) ? store.groups.find(id) : undefined;
    if (!g) throw appError('NOT_FOUND', `no group ${id}`);
    return g;
  };
  app.get('/api/v1/groups.json', async (): Promise<Group[]> => store.groups.list());
  app.get<{ Querystring: { system_wildcard?: string } }>('/api/v1/groups/preview.json', async (request): Promise<GroupPreviewResponse> => ({
    systems: store.groups.systemsMatching(checkWildcard(request.query.system_wildcard)),
  }));
  app.get<{ Params: { id: string } }>('/api/v1/groups/:id.json', async (request): Promise<Group> => find(request.params.id));
  app.post<{ Body: GroupBody }>('/api/v1/groups.json', { config: { access: 'admin' } }, async (request, reply): Promise<Group> => {
    const body = checkBody(store, request.body);
    if (store.groups.find(body.name)) throw appError('CONFLICT', `a group named "${body.name}" exists`);
    reply.code(201);
    return store.groups.save(body, opts.now());
  });
  app.put<{ Params: { id: string }; Body: GroupBody }>('/api/v1/groups/:id.json', { config: { access: 'admin' } }, async (request): Promise<Group> => {
    const existing = find(request.params.id);
    const body = checkBody(store, request.body);
    const clash = store.groups.find(body.name);
    if (clash && clash.id !== existing.id) throw appError('CONFLICT', `a group named "${body.name}" exists`);
    return store.groups.save({ ...body, id: existing.id }, opts.now());
  });
  app.delete<{ Params: { id: string } }>('/api/v1/groups/:id.json', { config: { access: 'admin' } }, async (request, reply) => {
    store.groups.remove(find(request.params.id).id);
    return reply.code(204).send();
  });
}
