import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../app/service.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { OwnNatsServer } from '../test-support/own-nats-server.js';
import { createTestDatabase } from '../test-support/postgres-database.js';
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
import { TEST_TOKEN } from '../test-support/test-service.js';

// A NATS server of this test's own, stopped and started again, so the shared server the other
// tests use is never touched.

describe('NATS without JetStream', () => {
  let nats: OwnNatsServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;

  beforeAll(async () => {
    nats = await OwnNatsServer.start(false);
    database = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'activator-nojs-'));
  });

  afterAll(async () => {
    await nats.dispose();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the start with an error naming NATS_URL', async () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      ACTIVATOR_API_TOKEN: TEST_TOKEN,
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
    });
    const started = createService(
      config,
      createLogger('silent'),
      {},
      { api: false, workers: true },
    );

    await expect(started).rejects.toThrow(/NATS_URL/);
  }, 30_000);
});

describe('a NATS outage on a running deployment', () => {
  let nats: OwnNatsServer;
  let simulator: TestSimulator;
  let deployment: ScaleOut;
  let api: ScaleOutProcess;
  let worker: ScaleOutProcess;

  beforeAll(async () => {
    nats = await OwnNatsServer.start();
    simulator = await startTestSimulator();
    deployment = await startScaleOut({ natsUrl: nats.url });
    api = await deployment.startApi();
    worker = await deployment.startWorker({ leaseMs: 3_000 });
  });

  afterEach(async () => {
    await nats.start().catch(() => undefined);
  });

  afterAll(async () => {
    await deployment.dispose();
    await simulator.close();
    await nats.dispose();
  });

  async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
    return api.service.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: deployment.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  function profiles(prefix: string, count: number) {
    return Array.from({ length: count }, (_, index) => ({
      id: `${prefix}${index}`,
      identifiers: { email: `${prefix}${index}@example.com` },
      attributes: { segment: 'outage' },
    }));
  }

  it('delivers profiles posted before, during and after the outage', async () => {
    const connector = await call('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta',
      settings: { adAccountId: '9', baseUrl: simulator.url },
      credentials: { accessToken: 'nats-outage-token' },
    });
    const partnerAudience = await simulator.createAudience('NATS outage');
    await call('POST', '/audiences', {
      name: 'Outage',
      rule: { attribute: 'segment', op: 'eq', value: 'outage' },
      connections: [
        {
          connectorId: String(connector.json<{ id: string }>().id),
          settings: { customAudienceId: partnerAudience },
        },
      ],
    });
    const members = async () => (await simulator.audienceCounts(partnerAudience)).memberCount;
    expect(
      (await call('POST', '/profiles', { profiles: profiles('before', 100) })).statusCode,
    ).toBe(200);
    await waitFor('the profiles posted before the outage', async () => (await members()) === 100);

    await nats.kill();
    // The API process stores the profiles but cannot queue their activations.
    const during = await call('POST', '/profiles', { profiles: profiles('during', 100) });
    console.info(`NATS outage: POST /profiles answered ${during.statusCode} ${during.body}`);
    await nats.start();
    // The clients reconnect within a few seconds (nats.js waits 2 s between attempts).
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    // A client that got an error sends the same profiles again.
    if (during.statusCode !== 200) {
      const again = await call('POST', '/profiles', { profiles: profiles('during', 100) });
      expect(again.statusCode, again.body).toBe(200);
    }
    expect((await call('POST', '/profiles', { profiles: profiles('after', 100) })).statusCode).toBe(
      200,
    );
    await waitFor('every profile at the partner', async () => (await members()) === 300, 30_000);
    const workerErrors = worker.logged('batch failed unexpectedly; it will be retried');

    // A batch recorded just before the outage is acknowledged late, not recorded a second time.
    expect(workerErrors).toEqual([]);
  }, 90_000);
});
