// GET/POST/DELETE /api/v1/drains[/:id].json: drain tokens, with the ready `heroku drains:add` line.
import type { FastifyInstance } from 'fastify';
import type { Drain } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { DrainRow } from '../../store/types.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function drainView(d: DrainRow, publicUrl: string): Drain {
  const url = `${publicUrl}/drains/${d.token}`;
  return { ...d, url, heroku_command: `heroku drains:add ${url} -a ${d.name}` };
}

export function checkDrainName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw appError('BAD_REQUEST', 'name: 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return name;
}

export async function drainAdminRoutes(app: FastifyInstance, opts: { store: Store; publicUrl: string; now: () => number }): Promise<void> {
  app.get('/api/v1/drains.json', async (): Promise<Drain[]> => opts.store.drains.list().map((d) => drainView(d, opts.publicUrl)));
  app.post<{ Body: { name?: unknown; drain?: { name?: unknown } } }>('/api/v1/drains.json', async (request, reply): Promise<Drain> => {
    const name = checkDrainName(request.body?.name ?? request.body?.drain?.name);
    if (opts.store.drains.find(name)) throw appError('CONFLICT', `a drain named "${name}" exists`);
    reply.code(201);
    return drainView(opts.store.drains.create(name, opts.now()), opts.publicUrl);
  });
  app.delete<{ Params: { id: string } }>('/api/v1/drains/:id.json', async (request, reply) => {
    const drain = opts.store.drains.find(request.params.id);
    if (!drain || !opts.store.drains.remove(drain.id)) throw appError('NOT_FOUND', `no drain "${request.params.id}"`);
    return reply.code(204).send();
  });
}
