// GET /api/v1/systems.json and /api/v1/systems/:id.json: the senders seen so far.
import type { FastifyInstance } from 'fastify';
import type { System } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';

export async function systemRoutes(app: FastifyInstance, opts: { store: Store }): Promise<void> {
  app.get('/api/v1/systems.json', async (): Promise<System[]> => opts.store.systems.list());
  app.get<{ Params: { id: string } }>('/api/v1/systems/:id.json', async (request): Promise<System> => {
    const system = opts.store.systems.find(request.params.id);
    if (!system) throw appError('NOT_FOUND', `no system "${request.params.id}"`);
    return system;
  });
}
