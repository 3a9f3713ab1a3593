import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Folder `npm run build` writes the console to, the same path from `src/` and from `dist/`. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Activator</title></head>' +
  '<body><h1>Activator</h1><p>The console is not built. Run <code>npm run build</code> ' +
  '(or <code>npm ci</code>) and restart the service. The API is at /api/v1 and its docs at ' +
  '<a href="/api/docs">/api/docs</a>.</p></body></html>';

/**
 * Serves the console's static files at `/`; paths that are not files get `index.html`, so the
 * console's own routes load on a refresh. API paths keep their JSON 404.
 */
export async function registerConsole(
  app: FastifyInstance<any, any, any, any, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  consoleDir: string,
): Promise<void> {
  const indexFile = path.join(consoleDir, 'index.html');
  if (!existsSync(indexFile)) {
    app.get('/', async (_request, reply) => reply.type('text/html').send(NOT_BUILT_PAGE));

    return;
  }
  await app.register(fastifyStatic, { root: consoleDir, prefix: '/', wildcard: false });
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/');
    if (isPage) return reply.sendFile('index.html');

    return reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'ROUTE_NOT_FOUND',
      message: `Route ${request.method} ${request.url.split('?')[0]} not found.`,
    });
  });
}
