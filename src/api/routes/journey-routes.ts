import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { JourneyService } from '../../journeys/journey-service.js';
import { idParams } from '../schemas/profile-schemas.js';

// The journey validator checks the whole body and names the step or field that is wrong.
const journeyBody = Type.Unknown({ description: 'A journey definition: name, trigger, steps.' });

/** Journeys: create, edit the draft, publish, read. */
export function journeyRoutes(journeys: JourneyService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['journeys'];

    app.post('/journeys', { schema: { tags, body: journeyBody } }, async (request, reply) =>
      reply.status(201).send(await journeys.create(request.body, request.actor)),
    );

    app.get('/journeys', { schema: { tags } }, async () => ({ items: await journeys.list() }));

    app.get('/journeys/:id', { schema: { tags, params: idParams } }, async (request) =>
      journeys.get(request.params.id),
    );

    app.put(
      '/journeys/:id/draft',
      { schema: { tags, params: idParams, body: journeyBody } },
      async (request) => journeys.putDraft(request.params.id, request.body, request.actor),
    );

    app.post('/journeys/:id/publish', { schema: { tags, params: idParams } }, async (request) =>
      journeys.publish(request.params.id, request.actor),
    );
  };
}
