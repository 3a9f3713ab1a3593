import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AudienceService } from '../../audiences/audience-service.js';
import {
  audienceConnectionParams,
  connectionBody,
  createAudienceBody,
  membersBody,
} from '../schemas/audience-schemas.js';
import { idParams } from '../schemas/profile-schemas.js';

/** Audiences, their members and their connections. */
export function audienceRoutes(audiences: AudienceService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['audiences'];

    app.post('/audiences', { schema: { tags, body: createAudienceBody } }, async (request, reply) =>
      reply.status(201).send(await audiences.create(request.body, request.actor)),
    );

    app.get('/audiences', { schema: { tags } }, async () => ({ items: await audiences.list() }));

    app.get('/audiences/:id', { schema: { tags, params: idParams } }, async (request) =>
      audiences.get(request.params.id),
    );

    app.post(
      '/audiences/:id/connections',
      { schema: { tags, params: idParams, body: connectionBody } },
      async (request, reply) =>
        reply
          .status(201)
          .send(await audiences.addConnection(request.params.id, request.body, request.actor)),
    );

    app.delete(
      '/audiences/:id/connections/:connectorId',
      { schema: { tags, params: audienceConnectionParams } },
      async (request, reply) => {
        await audiences.removeConnection(
          request.params.id,
          request.params.connectorId,
          request.actor,
        );

        return reply.status(204).send();
      },
    );

    app.post(
      '/audiences/:id/members',
      { schema: { tags, params: idParams, body: membersBody } },
      async (request) =>
        audiences.changeMembers(
          request.params.id,
          request.body.add ?? [],
          request.body.remove ?? [],
        ),
    );
  };
}
