import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { badRequest } from '../../errors/app-error.js';
import type { JourneyRunner } from '../../journeys/journey-runner.js';
import { ImportError } from '../../profiles/ingest/import-error.js';
import { parseImportMapping } from '../../profiles/ingest/import-mapping.js';
import type { ProfileService } from '../../profiles/profile-service.js';
import {
  eventBody,
  idParams,
  importQuery,
  PROFILES_BODY_LIMIT_BYTES,
  upsertProfilesBody,
} from '../schemas/profile-schemas.js';

const IMPORT_TYPES: Record<string, 'csv' | 'ndjson'> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
};

/** Profiles: batch upsert, streamed import, read, delete; and events that trigger journeys. */
export function profileRoutes(
  profiles: ProfileService,
  runner: JourneyRunner,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['profiles'];
    // Imports arrive as a stream; the reader parses them row by row with bounded memory.
    app.addContentTypeParser(Object.keys(IMPORT_TYPES), (_request, payload, done) =>
      done(null, payload),
    );

    app.post(
      '/profiles',
      { bodyLimit: PROFILES_BODY_LIMIT_BYTES, schema: { tags, body: upsertProfilesBody } },
      async (request) => profiles.upsert(request.body.profiles),
    );

    app.post(
      '/profiles/import',
      // TODO: a per-import size limit and per-token rate limits arrive with the hardening work.
      { bodyLimit: Number.MAX_SAFE_INTEGER, schema: { tags, querystring: importQuery } },
      async (request) => {
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
        const format = IMPORT_TYPES[contentType];
        if (!format) {
          throw badRequest(
            `Content-Type must be text/csv or application/x-ndjson, not '${contentType || 'none'}'.`,
          );
        }
        let mapping;
        try {
          mapping =
            request.query.mapping === undefined
              ? undefined
              : parseImportMapping(request.query.mapping);
        } catch (error) {
          throw badRequest(
            `querystring.mapping: ${(error as Error).message}`,
            'IMPORT_MAPPING_INVALID',
          );
        }
        try {
          return await profiles.import(request.body as Readable, { format, mapping });
        } catch (error) {
          // The reader leaves the request stream open; read the rest so the 400 can be sent.
          (request.body as Readable).resume();
          if (error instanceof ImportError) throw badRequest(error.message, 'IMPORT_INVALID');
          throw error;
        }
      },
    );

    app.get('/profiles/:id', { schema: { tags, params: idParams } }, async (request) =>
      profiles.get(request.params.id),
    );

    app.delete('/profiles/:id', { schema: { tags, params: idParams } }, async (request, reply) => {
      await profiles.delete(request.params.id);

      return reply.status(204).send();
    });

    app.post(
      '/events',
      { schema: { tags: ['events'], body: eventBody } },
      async (request, reply) => {
        const profile = await profiles.get(request.body.profileId);
        const journeys = await runner.eventReceived(profile, request.body.name);

        return reply.status(202).send({ accepted: true, journeys });
      },
    );
  };
}
