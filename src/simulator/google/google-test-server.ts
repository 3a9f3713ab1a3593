import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { controlRoutes } from '../control-routes.js';
import { SimulatorState } from '../simulator-state.js';
import { formatValidationErrors } from '../validation-errors.js';
import { googleRoutes } from './google-routes.js';

/** Path prefix of the Google routes, as `simulator-server.ts` is to register them. */
export const GOOGLE_PREFIX = '/google';

export interface RunningGoogleSimulator {
  /** Base URL of the simulator, such as `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a simulator on a free port of 127.0.0.1 with the `/_control` API and the Google routes
 * under `/google`, set up as `buildSimulator` sets up its partners. For tests, until
 * `simulator-server.ts` registers the Google routes itself.
 */
export async function startGoogleTestSimulator(): Promise<RunningGoogleSimulator> {
  const app = Fastify({
    bodyLimit: 50 * 1024 * 1024,
    schemaErrorFormatter: formatValidationErrors,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  const state = new SimulatorState();
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.register(controlRoutes, { state });
  app.register(googleRoutes, { state, closing: closing.signal, prefix: GOOGLE_PREFIX });
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
