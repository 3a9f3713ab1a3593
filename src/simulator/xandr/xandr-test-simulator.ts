import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { controlRoutes } from '../control-routes.js';
import { SimulatorState } from '../simulator-state.js';
import { formatValidationErrors } from '../validation-errors.js';
import { xandrRoutes, type XandrRouteOptions } from './xandr-routes.js';

export type XandrTestSimulatorOptions = Omit<XandrRouteOptions, 'state' | 'closing'>;

export interface XandrTestSimulator {
  /** Origin of the simulator, such as `http://127.0.0.1:40123`. Xandr paths are below `/xandr`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a simulator on a free port of 127.0.0.1 with the `/_control` API and the Xandr routes
 * under `/xandr`, registered as the full simulator registers its partners. Tests use it to set
 * Xandr options, such as a short token idle time, that the full simulator leaves at defaults.
 */
export async function startXandrTestSimulator(
  options: XandrTestSimulatorOptions = {},
): Promise<XandrTestSimulator> {
  const app = Fastify({
    bodyLimit: 50 * 1024 * 1024,
    schemaErrorFormatter: formatValidationErrors,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  const state = new SimulatorState();
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.register(controlRoutes, { state });
  app.register(xandrRoutes, { prefix: '/xandr', state, closing: closing.signal, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });

  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
