import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  AudienceIdParams,
  CreateAudienceBody,
  FaultBody,
  findFaultOptionError,
  TokenStateBody,
} from './control-schemas.js';
import { newGraphObjectId } from './meta/graph-ids.js';
import type { SimulatorPartner } from './simulator-partners.js';
import type { SimulatorState } from './simulator-state.js';

export interface ControlRouteOptions {
  state: SimulatorState;
}

interface AudienceIdRule {
  pattern: RegExp;
  description: string;
  generate(isTaken: (id: string) => boolean): string;
}

/** Audience ids of partners without a rule of their own: list, segment or container names. */
const GENERIC_AUDIENCE_IDS: AudienceIdRule = {
  pattern: /^[A-Za-z0-9_.:-]{1,128}$/,
  description: 'letters, digits, _ . : - up to 128 characters',
  generate: (isTaken) => {
    let id: string;
    do id = randomBytes(5).toString('hex');
    while (isTaken(id));

    return id;
  },
};

/** Audience id rules per partner: the id form the partner's API uses, and a generator. */
const AUDIENCE_IDS: Partial<Record<SimulatorPartner, AudienceIdRule>> = {
  meta: { pattern: /^\d+$/, description: 'digits only', generate: newGraphObjectId },
};

/** An error that Fastify's default error handler sends as `{ statusCode, error, message }`. */
function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * Registers the `/_control` API that tests use to set up partner audiences, schedule faults,
 * mark tokens, read the request log and reset the simulator. Meant for `app.register`.
 */
export async function controlRoutes(
  scope: FastifyInstance,
  options: ControlRouteOptions,
): Promise<void> {
  const { state } = options;
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  const createAudienceSchema = { schema: { body: CreateAudienceBody } };
  app.post('/_control/audiences', createAudienceSchema, async (request, reply) => {
    const { partner, name } = request.body;
    const ids = AUDIENCE_IDS[partner] ?? GENERIC_AUDIENCE_IDS;
    const id = request.body.id ?? ids.generate((candidate) => state.hasAudience(candidate));
    if (!ids.pattern.test(id)) {
      const message = `Invalid value for body.id: ${partner} audience ids are ${ids.description}.`;
      throw httpError(400, message);
    }

    const audience = state.createAudience({ id, partner, name });
    if (!audience) throw httpError(409, `An audience with id ${id} already exists.`);

    return reply.code(201).send({ id, partner, name });
  });

  app.get('/_control/audiences/:id', { schema: { params: AudienceIdParams } }, async (request) => {
    const audience = state.getAudience(request.params.id);
    if (!audience) throw httpError(404, `Audience ${request.params.id} not found.`);

    return {
      id: audience.id,
      partner: audience.partner,
      name: audience.name,
      memberCount: audience.members.size,
      addsReceived: audience.members.addsReceived,
      members: audience.members.list(),
    };
  });

  app.get(
    '/_control/audiences/:id/counts',
    { schema: { params: AudienceIdParams } },
    async (request) => {
      const audience = state.getAudience(request.params.id);
      if (!audience) throw httpError(404, `Audience ${request.params.id} not found.`);

      return {
        memberCount: audience.members.size,
        addsReceived: audience.members.addsReceived,
      };
    },
  );

  app.post('/_control/faults', { schema: { body: FaultBody } }, async (request, reply) => {
    const problem = findFaultOptionError(request.body);
    if (problem) throw httpError(400, problem);

    request.log.info({ fault: request.body }, 'Simulator fault scheduled');

    return reply.code(201).send(state.faults.add(request.body));
  });

  app.get('/_control/faults', async () => ({ items: state.faults.list() }));

  app.delete('/_control/faults', async (_request, reply) => {
    state.faults.clear();

    return reply.code(204).send();
  });

  app.post('/_control/tokens', { schema: { body: TokenStateBody } }, async (request) => {
    const { partner, token, state: tokenState } = request.body;
    state.setTokenState(partner, token, tokenState);

    return { partner, state: tokenState };
  });

  app.get('/_control/requests', async () => ({ items: state.requests.list() }));

  app.delete('/_control/requests', async (_request, reply) => {
    state.requests.clear();

    return reply.code(204).send();
  });

  app.post('/_control/reset', async (request) => {
    state.reset();
    request.log.info('Simulator state reset');

    return { reset: true };
  });

  // Without this route, unknown /_control paths would reach the partner routes' /:version pattern.
  app.all('/_control/*', async (_request, reply) => reply.callNotFound());
}
