import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Logger } from '../../log/logger.js';
import type { ApiServer } from '../api-server.js';
import type { Alert } from '../../observability/alerts/alert.js';
import type { ActivatorMetrics } from '../../observability/metrics.js';
import { checkReadiness, type ReadinessCheck } from '../../observability/readiness.js';

export interface ObservabilityRouteDependencies {
  metrics: ActivatorMetrics;
  readinessChecks: readonly ReadinessCheck[];
  /** Alerts open in this process, which are none in a process without delivery workers. */
  openAlerts: () => Alert[];
  logger: Logger;
}

/** The `/api/v1` token and session check, applied to `/metrics` and `/api/v1/alerts`. */
export type AuthenticateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const alertsQuery = Type.Object(
  { connectorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);

/**
 * Registers `GET /ready` without a token, and `GET /metrics` and `GET /api/v1/alerts` behind
 * `authenticate`, which accepts every token role because both only read.
 */
export function observabilityRoutes(dependencies: ObservabilityRouteDependencies) {
  return async (app: ApiServer, authenticate: AuthenticateHook): Promise<void> => {
    app.get('/ready', { schema: { hide: true } }, readinessHandler(dependencies));

    const readOnlyRoutes: FastifyPluginAsyncTypebox = async (scope) => {
      scope.addHook('onRequest', authenticate);
      scope.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
        const { contentType, body } = await dependencies.metrics.render();

        return reply.type(contentType).send(body);
      });
      scope.get(
        '/api/v1/alerts',
        { schema: { tags: ['alerts'], querystring: alertsQuery } },
        async (request) => {
          const { connectorId } = request.query;
          const alerts = dependencies.openAlerts();

          return {
            items: connectorId
              ? alerts.filter((alert) => alert.connectorId === connectorId)
              : alerts,
          };
        },
      );
    };
    await app.register(readOnlyRoutes);
  };
}

/** Returns 200 when every check passes, else 503 naming the failed checks, and logs changes. */
function readinessHandler(dependencies: ObservabilityRouteDependencies) {
  let wasReady = true;

  return async (_request: FastifyRequest, reply: FastifyReply) => {
    const { report, reasons } = await checkReadiness(dependencies.readinessChecks);
    const ready = report.status === 'ready';
    if (ready !== wasReady) {
      if (ready) dependencies.logger.info('ready again: every readiness check passes');
      else
        dependencies.logger.warn(
          { failed: report.failed, reasons },
          'readiness check failed; GET /ready returns 503',
        );
      wasReady = ready;
    }

    return reply.code(ready ? 200 : 503).send(report);
  };
}
