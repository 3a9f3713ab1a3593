import { jetstreamManager } from '@nats-io/jetstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTestNats } from '../test-support/nats-streams.js';
import {
  type ScaleOut,
  type ScaleOutProcess,
  startScaleOut,
} from '../test-support/scale-out-processes.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';

// Connectors deleted through the API process while activations for them are queued.
const PROFILES = 2_000;

let simulator: TestSimulator;
let deployment: ScaleOut;
let api: ScaleOutProcess;

beforeEach(async () => {
  simulator = await startTestSimulator();
  deployment = await startScaleOut();
  api = await deployment.startApi();
});

afterEach(async () => {
  await deployment.dispose();
  await simulator.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const response = await api.service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: deployment.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);

  return response.body === '' ? {} : (response.json() as Record<string, unknown>);
}

/** Messages of the connector still in the stream, and whether its consumer still exists. */
async function streamState(connectorId: string) {
  const connection = await connectTestNats();
  try {
    const jsm = await jetstreamManager(connection);
    const info = await jsm.streams.info(deployment.streams.stream, {
      subjects_filter: `${deployment.streams.subjectPrefix}.${connectorId}.>`,
    });
    const consumers: string[] = [];
    for await (const consumer of jsm.consumers.list(deployment.streams.stream)) {
      consumers.push(consumer.config.description ?? '');
    }

    return { messages: info.state.messages, consumer: consumers.includes(connectorId) };
  } finally {
    await connection.close();
  }
}

describe('deleting a connector with queued work', () => {
  it('drops its work, its consumer and its lease', async () => {
    const worker = await deployment.startWorker({ leaseMs: 3_000 });
    const connector = await call('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta to delete',
      settings: { adAccountId: '7', baseUrl: simulator.url },
      credentials: { accessToken: 'deletion-test-token' },
    });
    const connectorId = String(connector.id);
    const partnerAudience = await simulator.createAudience('Deleted later');
    const audience = await call('POST', '/audiences', {
      name: 'To detach',
      rule: { attribute: 'segment', op: 'eq', value: 'gone' },
      connections: [{ connectorId, settings: { customAudienceId: partnerAudience } }],
    });
    await call('POST', '/profiles', {
      profiles: Array.from({ length: PROFILES }, (_, index) => ({
        id: `g${index}`,
        identifiers: { email: `g${index}@example.com` },
        attributes: { segment: 'gone' },
      })),
    });
    await waitFor(
      'every profile at the partner',
      async () => (await simulator.audienceCounts(partnerAudience)).memberCount === PROFILES,
      30_000,
    );
    // The partner slows down, so the removals that detaching queues are still waiting when
    // the connector goes.
    await simulator.fault({ mode: 'delay', delayMs: 2_000 });

    await call('DELETE', `/audiences/${String(audience.id)}/connections/${connectorId}`);
    await call('DELETE', `/connectors/${connectorId}`);
    await new Promise((resolve) => setTimeout(resolve, 8_000));

    const leases = await worker.service.store.db
      .selectFrom('leases')
      .select(['name', 'holder', 'expires_at'])
      .where('name', '=', `connector:${connectorId}`)
      .where('expires_at', '>', Date.now())
      .execute();
    const state = await streamState(connectorId);
    console.info(`deleted connector: lease rows ${leases.length}, stream ${JSON.stringify(state)}`);

    expect(state.messages).toBe(0);
    expect(state.consumer).toBe(false);
    expect(leases).toEqual([]);
  }, 90_000);

  it('lets a lone worker deliver the other connectors', async () => {
    const deleted = await createMetaAudience('Deleted before any worker ran', 'gone-early');
    await call('POST', '/profiles', {
      profiles: Array.from({ length: 10 }, (_, index) => ({
        id: `e${index}`,
        identifiers: { email: `e${index}@example.com` },
        attributes: { segment: 'gone-early' },
      })),
    });
    await call('DELETE', `/audiences/${deleted.audienceId}/connections/${deleted.connectorId}`);
    await call('DELETE', `/connectors/${deleted.connectorId}`);

    const worker = await deployment.startWorker({ leaseMs: 3_000 });
    await waitFor(
      "the worker to drop the deleted connector's activations",
      () => worker.logged('activations of a deleted connector dropped').length > 0,
    );
    const kept = await createMetaAudience('Kept', 'kept');
    await call('POST', '/profiles', {
      profiles: [
        { id: 'k1', identifiers: { email: 'k1@example.com' }, attributes: { segment: 'kept' } },
      ],
    });

    await waitFor(
      'the other connector to deliver',
      async () => (await simulator.audienceCounts(kept.partnerAudience)).memberCount === 1,
      15_000,
    );
    // Dropped once: the ticks since then no longer find the deleted connector.
    expect(worker.logged('activations of a deleted connector dropped')).toHaveLength(1);
  }, 60_000);
});

async function createMetaAudience(name: string, segment: string) {
  const connector = await call('POST', '/connectors', {
    type: 'meta-custom-audiences',
    name,
    settings: { adAccountId: '8', baseUrl: simulator.url },
    credentials: { accessToken: 'deletion-test-token' },
  });
  const partnerAudience = await simulator.createAudience(name);
  const audience = await call('POST', '/audiences', {
    name,
    rule: { attribute: 'segment', op: 'eq', value: segment },
    connections: [
      { connectorId: String(connector.id), settings: { customAudienceId: partnerAudience } },
    ],
  });

  return { connectorId: String(connector.id), audienceId: String(audience.id), partnerAudience };
}
