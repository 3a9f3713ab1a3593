import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ConnectorService } from '../../connectors/management/connector-service.js';
import { Type } from 'typebox';
import { AppError } from '../../errors/app-error.js';
import {
  connectorIdParams,
  connectorListSchema,
  connectorSchema,
  createConnectorBody,
  credentialTestSchema,
  errorSchema,
  patchConnectorBody,
} from '../schemas/connector-schemas.js';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema };

/** Connector management: create, read, update, deactivate, activate, delete, test. */
export function connectorRoutes(service: ConnectorService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['connectors'];

    app.post(
      '/connectors',
      {
        schema: { tags, body: createConnectorBody, response: { 201: connectorSchema, ...errors } },
      },
      async (request, reply) =>
        reply.status(201).send(await service.create(request.body, request.actor)),
    );

    app.get(
      '/connectors',
      { schema: { tags, response: { 200: connectorListSchema, 401: errorSchema } } },
      async () => ({
        items: await service.list(),
      }),
    );

    app.get(
      '/connectors/:id',
      {
        schema: { tags, params: connectorIdParams, response: { 200: connectorSchema, ...errors } },
      },
      async (request) => service.get(request.params.id),
    );

    app.patch(
      '/connectors/:id',
      {
        schema: {
          tags,
          params: connectorIdParams,
          body: patchConnectorBody,
          response: { 200: connectorSchema, ...errors },
        },
        preValidation: async (request) => {
          if (request.body && typeof request.body === 'object' && 'type' in request.body) {
            throw new AppError(
              'CONNECTOR_TYPE_IMMUTABLE',
              400,
              'body.type cannot change; create a new connector of the other type instead.',
            );
          }
        },
      },
      async (request) => service.patch(request.params.id, request.body, request.actor),
    );

    app.post(
      '/connectors/:id/deactivate',
      {
        schema: { tags, params: connectorIdParams, response: { 200: connectorSchema, ...errors } },
      },
      async (request) => service.setStatus(request.params.id, 'deactivated', request.actor),
    );

    app.post(
      '/connectors/:id/activate',
      {
        schema: { tags, params: connectorIdParams, response: { 200: connectorSchema, ...errors } },
      },
      async (request) => service.setStatus(request.params.id, 'active', request.actor),
    );

    app.delete(
      '/connectors/:id',
      { schema: { tags, params: connectorIdParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        await service.delete(request.params.id, request.actor);

        return reply.status(204).send(null);
      },
    );

    app.post(
      '/connectors/:id/test',
      {
        schema: {
          tags,
          params: connectorIdParams,
          response: { 200: credentialTestSchema, ...errors },
        },
      },
      async (request) => service.test(request.params.id, request.actor),
    );
  };
}
