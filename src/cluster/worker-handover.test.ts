import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from '../simulator/webhook/webhook-routes.js';
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

// One worker delivers two busy connectors; a second worker starts while both still have a
// backlog. The README states that workers split the connectors with work evenly. A webhook batch holds
// up to 10,000 profiles sent 500 per request, so with the partner slowed down each lane always
// has a batch in flight.
const PROFILES = 20_000;
const LEASE_MS = 3_000;

let simulator: TestSimulator;
let deployment: ScaleOut;
let api: ScaleOutProcess;

beforeAll(async () => {
  simulator = await startTestSimulator();
  deployment = await startScaleOut();
  api = await deployment.startApi();
});

afterAll(async () => {
  await deployment.dispose();
  await simulator.close();
});

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await api.service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: deployment.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);

  return response.json() as Record<string, unknown>;
}

async function createHookAudience(id: string) {
  const created = await fetch(`${simulator.url}/_control/audiences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ partner: 'webhook', id, name: id }),
  });
  expect(created.status).toBe(201);
}

function batchesRecordedBy(worker: ScaleOutProcess): number {
  return worker.logged('batch recorded').length;
}

describe('a worker that starts while another delivers every busy connector', () => {
  // A busy lane always has a batch in flight, so the first worker stops claiming for one
  // connector and hands it over once its batches are recorded.
  it('takes its share of the connectors before the backlog is gone', async () => {
    const first = await deployment.startWorker({ leaseMs: LEASE_MS });
    const connections = [];
    for (const name of ['hook-a', 'hook-b']) {
      const connector = await call('POST', '/connectors', {
        type: 'webhook',
        name,
        // One batch at a time: the second batch of each connector waits, so there is always
        // one left to hand over, however quickly the first worker claims.
        settings: { baseUrl: `${simulator.url}/webhook/hooks/${name}`, maxConcurrentRequests: 1 },
        credentials: { signingSecret: WEBHOOK_SIMULATOR_SIGNING_SECRET },
      });
      await createHookAudience(name);
      connections.push({ connectorId: String(connector.id), settings: { audience: name } });
    }
    // Slow enough that the backlog outlasts a worker start and a lease renewal on a loaded machine.
    await simulator.fault({ partner: 'webhook', mode: 'delay', delayMs: 800 });
    await call('POST', '/audiences', {
      name: 'Everyone',
      rule: { attribute: 'segment', op: 'eq', value: 'busy' },
      connections,
    });
    for (let start = 0; start < PROFILES; start += 10_000) {
      await call('POST', '/profiles', {
        profiles: Array.from({ length: 10_000 }, (_, offset) => ({
          id: `h${start + offset}`,
          identifiers: { email: `h${start + offset}@example.com` },
          attributes: { segment: 'busy' },
        })),
      });
    }
    await waitFor(
      'the first worker to deliver both connectors',
      () => first.logged('delivering the connector').length === 2,
      20_000,
    );

    const second = await deployment.startWorker({ leaseMs: LEASE_MS });
    const members = async () =>
      (await simulator.audienceCounts('hook-a')).memberCount +
      (await simulator.audienceCounts('hook-b')).memberCount;
    await waitFor(
      'every profile at both hooks',
      async () => (await members()) === 2 * PROFILES,
      120_000,
    );
    console.info(
      `handover: first worker recorded ${batchesRecordedBy(first)} batches, the second ` +
        `${batchesRecordedBy(second)}; handed over ${first.logged('connector handed over to another process').length}`,
    );

    // Whether the second worker still finds a batch depends on how fast the first drains, so
    // the test checks the handover itself: one connector released by the first, taken by the second.
    expect(first.logged('connector handed over to another process')).toHaveLength(1);
    expect(second.logged('delivering the connector')).toHaveLength(1);
  }, 180_000);
});
