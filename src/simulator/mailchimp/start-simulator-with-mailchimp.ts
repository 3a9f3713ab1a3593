import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { controlRoutes } from '../control-routes.js';
import { metaGraphRoutes, sendRouteNotFound } from '../meta/graph-routes.js';
import type { RunningSimulator } from '../simulator-server.js';
import { SimulatorState } from '../simulator-state.js';
import { formatValidationErrors } from '../validation-errors.js';
import { mailchimpRoutes } from './mailchimp-routes.js';

/**
 * Starts a simulator on a free port of 127.0.0.1 with the control API, the Meta routes and the
 * Mailchimp routes, built the way `buildSimulator` builds the shared one.
 *
 * NOTE: a stand-in for `startSimulator({ port: 0 })` until `simulator-server.ts` registers
 * `mailchimpRoutes`; tests can switch to it then.
 */
export async function startSimulatorWithMailchimp(): Promise<RunningSimulator> {
  const app = Fastify({
    bodyLimit: 50 * 1024 * 1024,
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

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
