import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { azureRoutes } from './azure/azure-routes.js';
import { clangRoutes } from './clang/clang-routes.js';
import { cm360Routes } from './cm360/cm360-routes.js';
import { googleRoutes } from './google/google-routes.js';
import { mailchimpRoutes } from './mailchimp/mailchimp-routes.js';
import { webhookRoutes } from './webhook/webhook-routes.js';
import { xandrRoutes } from './xandr/xandr-routes.js';
import { controlRoutes } from './control-routes.js';
import { metaGraphRoutes, sendRouteNotFound } from './meta/graph-routes.js';
import { SimulatorState } from './simulator-state.js';
import { formatValidationErrors } from './validation-errors.js';

/** Maximum request body size. 10,000 Meta rows of five hashed keys come to about 3.5 MB of JSON. */
const SIMULATOR_BODY_LIMIT_BYTES = 50 * 1024 * 1024;

export interface SimulatorOptions {
  /** Logger for requests and simulator events. Without one, nothing is logged. */
  logger?: Logger | false;
}

export interface StartSimulatorOptions extends SimulatorOptions {
  /** TCP port, or 0 for a free port that the system picks. */
  port: number;
  /** Address to listen on, 127.0.0.1 by default. */
  host?: string;
}

export interface RunningSimulator {
  /** Base URL of the simulator, such as `http://127.0.0.1:9090`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the partner simulator: the partners' real API paths (Meta Graph API for now) and the
 * `/_control` API, sharing one in-memory state. The caller listens on it or uses `inject`.
 */
export function buildSimulator(options: SimulatorOptions = {}): FastifyInstance {
  // Fastify logs nothing when it gets no logger instance.
  const loggerInstance: FastifyBaseLogger | undefined = options.logger || undefined;
  const app = Fastify({
    loggerInstance,
    bodyLimit: SIMULATOR_BODY_LIMIT_BYTES,
    schemaErrorFormatter: formatValidationErrors,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  const state = new SimulatorState();
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.setNotFoundHandler(sendRouteNotFound);
  app.register(controlRoutes, { state });
  app.register(metaGraphRoutes, { state, closing: closing.signal });
  app.register(mailchimpRoutes, { state, closing: closing.signal });
  app.register(webhookRoutes, { state, closing: closing.signal });
  app.register(cm360Routes, { state, closing: closing.signal });
  app.register(clangRoutes, { state, closing: closing.signal, prefix: '/clang' });
  app.register(azureRoutes, { state, closing: closing.signal, prefix: '/azure' });
  app.register(xandrRoutes, { state, closing: closing.signal, prefix: '/xandr' });
  app.register(googleRoutes, { state, closing: closing.signal, prefix: '/google' });

  return app;
}

/** Starts the simulator on `host:port` and returns its URL and a function that stops it. */
export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const app = buildSimulator({ logger: options.logger });
  await app.listen({ port: options.port, host });

  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    close: async () => {
      await app.close();
    },
  };
}
