import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { controlRoutes } from '../control-routes.js';
import { SimulatorState } from '../simulator-state.js';
import { formatValidationErrors } from '../validation-errors.js';

/** Options every partner route plugin of the simulator takes. */
export interface PartnerPluginOptions {
  state: SimulatorState;
  closing: AbortSignal;
}

export interface RunningPartnerSimulator {
  /** Base URL of the simulator, such as `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a simulator on a free port of 127.0.0.1 with the `/_control` API and one partner's
 * routes under `prefix`, set up as `buildSimulator` sets up its partners. For tests of partner
 * routes that `simulator-server.ts` does not register yet.
 */
export async function startPartnerTestSimulator(
  plugin: FastifyPluginAsync<PartnerPluginOptions>,
  prefix: string,
): Promise<RunningPartnerSimulator> {
  const app = Fastify({
    bodyLimit: 50 * 1024 * 1024,
    schemaErrorFormatter: formatValidationErrors,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  const state = new SimulatorState();
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.register(controlRoutes, { state });
  app.register(plugin, { state, closing: closing.signal, prefix });
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
