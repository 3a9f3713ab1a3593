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

// One worker delivers a slow Meta connector with a large backlog and a webhook connector. The
// Meta connector is deactivated, so the worker counts the backlog as skips. Meanwhile the
// webhook connector should keep its pace and the worker should keep its leases.
const BACKLOG = 60_000;
const LEASE_MS = 3_000;

let simulator: TestSimulator;
let deployment: ScaleOut;
let api: ScaleOutProcess;
let worker: ScaleOutProcess;

beforeAll(async () => {
  simulator = await startTestSimulator();
  deployment = await startScaleOut();
  api = await deployment.startApi();
  worker = await deployment.startWorker({ leaseMs: LEASE_MS });
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

function profiles(prefix: string, count: number, segment: string) {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index}`,
    identifiers: { email: `${prefix}${index}@example.com` },
    attributes: { segment },
  }));
}

describe('deactivating a connector with a large backlog', () => {
  // The lane counts one batch of skips per pump, and leases renew on their own timer, so a
  // large backlog holds up neither the other connectors nor the leases.
  it('keeps the other connector and the leases going', async () => {
    const meta = await call('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Slow Meta',
      settings: { adAccountId: '12', baseUrl: simulator.url, maxConcurrentRequests: 1 },
      credentials: { accessToken: 'backlog-token' },
    });
    const hook = await call('POST', '/connectors', {
      type: 'webhook',
      name: 'Quick hook',
      settings: { baseUrl: `${simulator.url}/webhook/hooks/quick` },
      credentials: { signingSecret: WEBHOOK_SIMULATOR_SIGNING_SECRET },
    });
    await fetch(`${simulator.url}/_control/audiences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partner: 'webhook', id: 'quick', name: 'quick' }),
    });
    const partnerAudience = await simulator.createAudience('Backlog');
    await call('POST', '/audiences', {
      name: 'Backlog',
      rule: { attribute: 'segment', op: 'eq', value: 'backlog' },
      connections: [
        { connectorId: String(meta.id), settings: { customAudienceId: partnerAudience } },
      ],
    });
    await call('POST', '/audiences', {
      name: 'Quick',
      rule: { attribute: 'segment', op: 'eq', value: 'quick' },
      connections: [{ connectorId: String(hook.id), settings: { audience: 'quick' } }],
    });
    await call('POST', '/profiles', { profiles: profiles('q', 1, 'quick') });
    await waitFor(
      'the webhook connector to deliver',
      async () => (await simulator.audienceCounts('quick')).memberCount === 1,
    );
    // Meta delays every response by a minute, so the backlog waits in the worker.
    await simulator.fault({ mode: 'delay', delayMs: 60_000 });
    for (let start = 0; start < BACKLOG; start += 10_000) {
      await call('POST', '/profiles', { profiles: profiles(`b${start}-`, 10_000, 'backlog') });
    }

    const skipped = async () => {
      const stats = await call('GET', `/connectors/${String(meta.id)}/stats?days=7`);

      return (stats.totals as { skipped: { deactivated: number } }).skipped.deactivated;
    };
    await call('POST', `/connectors/${String(meta.id)}/deactivate`);
    await waitFor('the worker to start skipping', async () => (await skipped()) > 0, 20_000);
    const postedAt = Date.now();
    let leaseExpired = false;
    const sampler = setInterval(() => {
      void worker.service.store.db
        .selectFrom('leases')
        .select('expires_at')
        .where('name', 'like', 'worker:%')
        .execute()
        .then((rows) => {
          if (rows.some((row) => Number(row.expires_at) < Date.now())) leaseExpired = true;
        });
    }, 200);
    await call('POST', '/profiles', { profiles: profiles('late', 1, 'quick') });
    await waitFor(
      'the webhook connector to deliver during the skips',
      async () => (await simulator.audienceCounts('quick')).memberCount === 2,
      120_000,
    );
    const hookLatencyMs = Date.now() - postedAt;
    clearInterval(sampler);
    const skippedByThen = await skipped();
    console.info(
      `deactivated backlog: webhook delivered ${hookLatencyMs} ms after the post, ` +
        `${skippedByThen} skips counted by then; worker lease expired: ${leaseExpired}`,
    );

    expect(hookLatencyMs).toBeLessThan(LEASE_MS);
    expect(leaseExpired).toBe(false);
  }, 240_000);
});
