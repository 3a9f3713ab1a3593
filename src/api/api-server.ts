import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { ConnectorService } from '../connectors/management/connector-service.js';
import type { Logger } from '../log/logger.js';
import type { AuditRepository } from '../store/audit-repository.js';
import { createAjv, describeValidationErrors } from '../validation/schema-validator.js';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { SessionStore } from '../auth/session-store.js';
import { createAuthHook, type VerifyToken } from './auth-hook.js';
import { securityHeaders } from './security-headers.js';
import { DEFAULT_CONSOLE_DIR, registerConsole } from './console-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import type { AuthenticateHook } from './routes/observability-routes.js';
import { handleApiError } from './error-handler.js';
import { AppError } from '../errors/app-error.js';
import type { AudienceService } from '../audiences/audience-service.js';
import type { JourneyRunner } from '../journeys/journey-runner.js';
import type { JourneyService } from '../journeys/journey-service.js';
import type { ProfileService } from '../profiles/profile-service.js';
import { audienceRoutes } from './routes/audience-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { journeyRoutes } from './routes/journey-routes.js';
import { profileRoutes } from './routes/profile-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { type JsonBodyError, parseJsonBody } from './json-body.js';
import { connectorRoutes } from './routes/connector-routes.js';
import type { SyncTokens } from '../id-sync/sync-token.js';
import { idSyncRoutes, syncTokenRoutes } from '../id-sync/id-sync-routes.js';
import { type StatisticsRouteDependencies, statisticsRoutes } from './routes/statistics-routes.js';

/** Requests per minute a token may make by default, per process. */
export const DEFAULT_REQUESTS_PER_MINUTE = 3_000;

/** Largest JSON body the configuration API accepts, in bytes. */
export const API_BODY_LIMIT_BYTES = 1_048_576;

export interface ApiServerOptions {
  logger: Logger;
  verifyToken: VerifyToken;
  catalog: ConnectorCatalog;
  connectors: ConnectorService;
  audit: AuditRepository;
  statistics: StatisticsRouteDependencies;
  profiles: ProfileService;
  audiences: AudienceService;
  journeys: JourneyService;
  runner: JourneyRunner;
  sessions: SessionStore;
  /** Issues and verifies the tokens of `/sync/:partnerType` URLs. */
  syncTokens: SyncTokens;
  /** Requests a token may make to `/api/v1` per minute, per process. */
  requestsPerMinute?: number;
  /**
   * False in a worker: only `/health` and the extra routes (`/metrics`, `/ready`, alerts)
   * are served. Default true.
   */
  serveApi?: boolean;
  /** Folder of the built console; defaults to `dist/console`. */
  consoleDir?: string;
  /**
   * Registers routes that other modules own (`/metrics`, `/ready`, `/api/v1/alerts`).
   * `authenticate` is the token and session check of `/api/v1`.
   */
  extraRoutes?: (app: ApiServer, authenticate: AuthenticateHook) => Promise<void>;
}

export type ApiServer = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  Logger,
  TypeBoxTypeProvider
>;

/**
 * Builds the HTTP API: `/health`, the OpenAPI document and docs, the public `/sync` endpoint
 * and `/api/v1`.
 */
export async function buildApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: API_BODY_LIMIT_BYTES,
    schemaErrorFormatter: (errors, dataVar) => new Error(describeValidationErrors(errors, dataVar)),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ajv = createAjv();
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));
  app.setErrorHandler(handleApiError);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as JsonBodyError, undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Activator API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.addHook('onSend', securityHeaders);
  await app.register(cookie);
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  if (options.serveApi !== false) await registerApi(app, options);
  await options.extraRoutes?.(app, createAuthHook(options.verifyToken, options.sessions));

  return app;
}

/** Registers the console, the id-sync endpoint, sign-in and the token-protected `/api/v1`. */
async function registerApi(app: ApiServer, options: ApiServerOptions): Promise<void> {
  await registerConsole(app, options.consoleDir ?? DEFAULT_CONSOLE_DIR);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const idSync = { tokens: options.syncTokens, profiles: options.profiles };
  await app.register(idSyncRoutes(idSync));
  await app.register(sessionRoutes(options.sessions, options.verifyToken), { prefix: '/api/v1' });
  await app.register(
    async (api) => {
      api.decorateRequest('actor', '');
      api.decorateRequest('role', 'viewer');
      api.addHook('onRequest', createAuthHook(options.verifyToken, options.sessions));
      await api.register(rateLimit, {
        hook: 'preHandler',
        max: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
        timeWindow: 60_000,
        keyGenerator: (request) => request.actor,
        errorResponseBuilder: (_request, context) =>
          new AppError(
            'RATE_LIMITED',
            429,
            `Too many requests for this token: at most ${context.max} a minute. Retry after ${context.after}.`,
          ),
      });
      api.get('/session', { schema: { tags: ['session'] } }, async (request) => ({
        signedIn: true,
        actor: request.actor,
        role: request.role,
      }));
      await api.register(catalogRoutes(options.catalog));
      await api.register(connectorRoutes(options.connectors));
      await api.register(auditRoutes(options.audit));
      await api.register(statisticsRoutes(options.statistics));
      await api.register(profileRoutes(options.profiles, options.runner));
      await api.register(syncTokenRoutes(idSync));
      await api.register(audienceRoutes(options.audiences));
      await api.register(journeyRoutes(options.journeys));
    },
    { prefix: '/api/v1' },
  );
}
