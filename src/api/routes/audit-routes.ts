import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditRepository } from '../../store/audit-repository.js';

const auditQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,4}$', description: '1 to 1000, default 100.' }),
    ),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

/** The audit log, newest first. */
export function auditRoutes(audit: AuditRepository): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/audit', { schema: { tags: ['audit'], querystring: auditQuery } }, async (request) => {
      const limit = Math.min(Math.max(Number(request.query.limit ?? 100), 1), 1000);

      return { items: await audit.list({ limit, entityId: request.query.entityId }) };
    });
  };
}
