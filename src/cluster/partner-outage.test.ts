import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from '../simulator/webhook/webhook-routes.js';
import { TEST_NATS_URL, uniqueStreamNames } from '../test-support/nats-streams.js';
import { createTestDatabase } from '../test-support/postgres-database.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

// One partner fails for a while on the scale-out queue; the other keeps its pace.
const PROFILES = 2_000;
const OUTAGE_SECONDS = 4;

let simulator: TestSimulator;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let streams: ReturnType<typeof uniqueStreamNames>;
let service: TestService;

beforeAll(async () => {
  simulator = await startTestSimulator();
  database = await createTestDatabase();
  streams = uniqueStreamNames();
  service = await startTestService(
    {
      DATABASE_URL: database.url,
      NATS_URL: TEST_NATS_URL,
      ACTIVATOR_NATS_STREAM: streams.stream,
    },
    { retryPolicy: { baseDelayMs: 300, maxDelayMs: 1_500, maxRetryAfterSeconds: 1 } },
  );
});

afterAll(async () => {
  await service.dispose();
  await streams.remove();
  await database.drop();
  await simulator.close();
});

async function api(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: service.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);

  return response.json() as Record<string, unknown>;
}

async function membersAt(audienceId: string): Promise<number> {
  return (await simulator.audienceCounts(audienceId)).memberCount;
}

async function addedBy(connectorId: string): Promise<number> {
  const stats = await api('GET', `/connectors/${connectorId}/stats?days=7`);

  return (stats.totals as { added: number }).added;
}

describe('a partner outage on PostgreSQL and JetStream', () => {
  it('retries the failing partner until it recovers without slowing the other', async () => {
    const meta = await api('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta',
      // Full jitter makes some retries come quickly; enough attempts outlast the outage.
      settings: { adAccountId: '42', baseUrl: simulator.url, maxAttempts: 100 },
      credentials: { accessToken: 'outage-test-token' },
    });
    const webhook = await api('POST', '/connectors', {
      type: 'webhook',
      name: 'CRM hook',
      settings: { baseUrl: `${simulator.url}/webhook/hooks/crm` },
      credentials: { signingSecret: WEBHOOK_SIMULATOR_SIGNING_SECRET },
    });
    const metaAudience = await simulator.createAudience('Outage audience');
    const created = await fetch(`${simulator.url}/_control/audiences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partner: 'webhook', id: 'outage-hook', name: 'Outage hook' }),
    });
    expect(created.status).toBe(201);
    await api('POST', '/audiences', {
      name: 'Outage test',
      rule: { attribute: 'segment', op: 'eq', value: 'outage' },
      connections: [
        { connectorId: meta.id, settings: { customAudienceId: metaAudience } },
        { connectorId: webhook.id, settings: { audience: 'outage-hook' } },
      ],
    });
    await simulator.fault({ mode: 'status', status: 503, seconds: OUTAGE_SECONDS });
    const outageEnds = Date.now() + OUTAGE_SECONDS * 1000;
    await api('POST', '/profiles', {
      profiles: Array.from({ length: PROFILES }, (_, index) => ({
        id: `o${index}`,
        identifiers: { email: `o${index}@example.com` },
        attributes: { segment: 'outage' },
      })),
    });

    await waitFor('the webhook partner to get every profile', async () => {
      return (await membersAt('outage-hook')) === PROFILES;
    });
    expect(Date.now()).toBeLessThan(outageEnds);
    expect(await membersAt(metaAudience)).toBe(0);

    await waitFor(
      'Meta to get every profile after the outage',
      async () => (await membersAt(metaAudience)) === PROFILES,
      30_000,
    );
    await waitFor('both connectors to count every profile', async () => {
      return (
        (await addedBy(String(meta.id))) === PROFILES &&
        (await addedBy(String(webhook.id))) === PROFILES
      );
    });
    const metaStats = await api('GET', `/connectors/${String(meta.id)}/stats?days=7`);
    const webhookStats = await api('GET', `/connectors/${String(webhook.id)}/stats?days=7`);

    expect((metaStats.totals as { errors: { other: number } }).errors.other).toBeGreaterThan(0);
    expect((webhookStats.totals as { errors: { other: number } }).errors.other).toBe(0);
  }, 60_000);
});
