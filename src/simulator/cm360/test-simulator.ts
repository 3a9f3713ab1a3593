import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { controlRoutes } from '../control-routes.js';
import { sendRouteNotFound } from '../meta/graph-routes.js';
import type { RunningSimulator } from '../simulator-server.js';
import { SimulatorState } from '../simulator-state.js';
import { formatValidationErrors } from '../validation-errors.js';
import { cm360Routes } from './cm360-routes.js';

/**
 * Starts a simulator on a free port of 127.0.0.1 with the `/_control` API and the CM360 routes,
 * built as `buildSimulator` builds the full simulator. Tests use it until `buildSimulator`
 * registers `cm360Routes` itself.
 */
export async function startCm360TestSimulator(): Promise<RunningSimulator> {
  const app = Fastify({ schemaErrorFormatter: formatValidationErrors });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  const state = new SimulatorState();
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.setNotFoundHandler(sendRouteNotFound);
  app.register(controlRoutes, { state });
  app.register(cm360Routes, { state, closing: closing.signal });
  await app.listen({ port: 0, host: '127.0.0.1' });

  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
    },
  };
}
