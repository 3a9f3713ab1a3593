import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uniqueStreamNames, TEST_NATS_URL } from '../../test-support/nats-streams.js';
import { createTestDatabase } from '../../test-support/postgres-database.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../../test-support/simulator-client.js';
import { startTestService, type TestService } from '../../test-support/test-service.js';

// The main flows once more, on PostgreSQL instead of the embedded SQLite file, with the queue
// in the store and on JetStream.
let simulator: TestSimulator;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let service: TestService;
let streams: ReturnType<typeof uniqueStreamNames> | undefined;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

async function startOn(queue: 'store' | 'jetstream') {
  await simulator.reset();
  database = await createTestDatabase();
  streams = queue === 'jetstream' ? uniqueStreamNames() : undefined;
  service = await startTestService({
    DATABASE_URL: database.url,
    ...(streams ? { NATS_URL: TEST_NATS_URL, ACTIVATOR_NATS_STREAM: streams.stream } : {}),
  });
}

afterEach(async () => {
  await service.dispose();
  await streams?.remove();
  await database.drop();
});

async function api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  return service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: service.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function createConnector(name = 'Meta') {
  const response = await api('POST', '/connectors', {
    type: 'meta-custom-audiences',
    name,
    settings: { adAccountId: '12', baseUrl: simulator.url },
    credentials: { accessToken: 'postgres-test-token' },
  });
  expect(response.statusCode).toBe(201);

  return response.json().id as string;
}

describe.each(['store', 'jetstream'] as const)('service on PostgreSQL, queue in %s', (queue) => {
  beforeEach(async () => {
    await startOn(queue);
  });

  it('manages connectors with the same rules', async () => {
    const id = await createConnector();
    const duplicate = await api('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: ' meta ',
      settings: { adAccountId: '12' },
      credentials: { accessToken: 'x' },
    });
    const patched = await api('PATCH', `/connectors/${id}`, { settings: { timeoutMs: 4000 } });
    const audit = await api('GET', '/audit');

    expect(duplicate.statusCode).toBe(409);
    expect(patched.json().settings.timeoutMs).toBe(4000);
    expect(audit.json().items.map((item: { action: string }) => item.action)).toEqual([
      'connector.update',
      'connector.create',
    ]);
  });

  it('delivers an audience and counts it', async () => {
    const id = await createConnector();
    const partnerAudience = await simulator.createAudience();
    const audience = await api('POST', '/audiences', {
      name: 'Dutch',
      rule: { attribute: 'country', op: 'eq', value: 'NL' },
      connections: [{ connectorId: id, settings: { customAudienceId: partnerAudience } }],
    });
    const profiles = Array.from({ length: 500 }, (_, index) => ({
      id: `p${index}`,
      identifiers: { email: `p${index}@example.com` },
      attributes: { country: index % 2 === 0 ? 'NL' : 'DE' },
    }));
    await api('POST', '/profiles', { profiles });

    await waitFor(
      '250 members at the partner',
      async () => (await simulator.members(partnerAudience)).length === 250,
    );
    await waitFor('250 added', async () => {
      const stats = (await api('GET', `/connectors/${id}/stats?days=7`)).json();

      return stats.totals.added === 250;
    });
    expect((await api('GET', `/audiences/${audience.json().id}`)).json().memberCount).toBe(250);
    expect((await api('DELETE', `/connectors/${id}`)).statusCode).toBe(409);
  });

  it('retries a 503 and counts both attempts', async () => {
    const id = await createConnector();
    const partnerAudience = await simulator.createAudience();
    await simulator.fault({ mode: 'status', status: 503, count: 1 });
    await service.engine.enqueue([
      {
        connectorId: id,
        destination: { customAudienceId: partnerAudience },
        destinationKey: partnerAudience,
        profileId: 'p1',
        operation: 'add',
        profile: { identifiers: { email: ['p1@example.com'] } },
      },
    ]);

    await waitFor(
      '1 added',
      async () => (await api('GET', `/connectors/${id}/stats?days=7`)).json().totals.added === 1,
    );
    expect((await api('GET', `/connectors/${id}/stats?days=7`)).json().totals.errors.other).toBe(1);
  });
});
