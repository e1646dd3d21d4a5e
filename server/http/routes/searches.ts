// GET/POST/PUT/DELETE /api/v1/searches[/:id].json: saved searches (DESIGN 4, 6). Bodies may be flat
// or nested as Papertrail's `{ "search": { … } }`; the query is checked by the search parser.
import type { FastifyInstance } from 'fastify';
import type { SavedSearch } from '../../../shared/api.ts';
import { checkSearchInput } from '../../alerts/input.ts';
import { links } from '../../alerts/render.ts';
import { appError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { SavedSearchInput, SavedSearchRow } from '../../store/searches.ts';

export const ID_PARAMS = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,15}$' } } } as const;

export function searchView(s: SavedSearchRow, publicUrl: string): SavedSearch {
  return {
    id: s.id,
    name: s.name,
    query: s.query,
    group_id: s.group_id,
    created_at: s.created_at,
    updated_at: s.updated_at,
    html_search_url: links.search(publicUrl, s.id),
    html_edit_url: links.edit(publicUrl, s.id),
  };
}

export async function searchRoutes(app: FastifyInstance, opts: { store: Store; publicUrl: string; now: () => number }): Promise<void> {
  const { store, publicUrl } = opts;
  const found = (id: string) => store.searches.find(Number(id)) ?? (() => { throw appError('NOT_FOUND', `no saved search ${id}`); })();

  app.get('/api/v1/searches.json', async (): Promise<SavedSearch[]> => store.searches.list().map((s) => searchView(s, publicUrl)));

  app.get<{ Params: { id: string } }>('/api/v1/searches/:id.json', { schema: { params: ID_PARAMS } }, async (request): Promise<SavedSearch> => searchView(found(request.params.id), publicUrl));

  app.post('/api/v1/searches.json', async (request, reply): Promise<SavedSearch> => {
    const input = checkSearchInput(store, request.body, false) as SavedSearchInput;
    reply.code(201);
    return searchView(store.searches.create({ ...input, created_by: request.principal?.user.id }, opts.now()), publicUrl);
  });

  app.put<{ Params: { id: string } }>('/api/v1/searches/:id.json', { schema: { params: ID_PARAMS } }, async (request): Promise<SavedSearch> => {
    const search = found(request.params.id);
    const change = checkSearchInput(store, request.body, true);
    return searchView(store.searches.update(search.id, change, opts.now())!, publicUrl);
  });

  // Deleting a search deletes its alerts (and their history) with it.
  app.delete<{ Params: { id: string } }>('/api/v1/searches/:id.json', { schema: { params: ID_PARAMS } }, async (request, reply) => {
    if (!store.searches.remove(found(request.params.id).id)) throw appError('NOT_FOUND', `no saved search ${request.params.id}`);
    return reply.code(204).send();
  });
}
