import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ConnectorCatalog } from '../../connectors/catalog.js';

/** The connector catalog: every type that works end to end, with its JSON Schemas. */
export function catalogRoutes(catalog: ConnectorCatalog): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/catalog', { schema: { tags: ['catalog'] } }, async () => ({
      items: catalog.entries(),
    }));
  };
}
