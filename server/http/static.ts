// Serves the built web UI (web/dist) with an SPA fallback: unknown non-API paths get index.html,
// so links such as /events?q=… and /alerts/7 open the UI.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';

export async function staticRoutes(app: FastifyInstance, opts: { root: string }): Promise<void> {
  const built = existsSync(`${opts.root}/index.html`);
  if (built) await app.register(fastifyStatic, { root: opts.root, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/drains');
    if (request.method === 'GET' && !isApi && built) return reply.type('text/html').sendFile('index.html');
    return reply.code(404).send({ message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}
