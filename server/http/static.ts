// Serves the built web UI (web/dist) with an SPA fallback: unknown non-API paths get index.html,
// so links such as /events?q=… and /alerts/7 open the UI.
//
// Caching: files under /assets/ carry a hash of their content in their name (Vite), so a browser
// may keep them for good and load them again without asking (and reuse the code it compiled from
// them); index.html names the current ones, so it is asked for again on every load.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';

const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+$/;

export async function staticRoutes(app: FastifyInstance, opts: { root: string }): Promise<void> {
  const built = existsSync(`${opts.root}/index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root: opts.root,
      wildcard: false,
      cacheControl: false,
      setHeaders: (reply, path) => reply.header('cache-control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/drains');
    if (request.method === 'GET' && !isApi && built) return reply.type('text/html').sendFile('index.html');
    return reply.code(404).send({ message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}
