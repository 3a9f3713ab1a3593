import { afterEach, describe, expect, it } from 'vitest';
import { openDeliveryTopology } from '../app/delivery-queue.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { TEST_NATS_URL, uniqueStreamNames } from '../test-support/nats-streams.js';
import { createTestDatabase } from '../test-support/postgres-database.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

let service: TestService | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await service?.dispose();
  service = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ready(current: TestService) {
  const response = await current.app.inject({ method: 'GET', url: '/ready' });

  return { statusCode: response.statusCode, body: response.json() };
}

describe('GET /ready', () => {
  it('returns 200 without a token', async () => {
    service = await startTestService();

    const { statusCode, body } = await ready(service);

    expect(statusCode).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      failed: [],
      checks: { store: { ok: true }, queue: { ok: true } },
    });
  });

  it('names a closed store with 503', async () => {
    service = await startTestService();
    await service.store.close();

    const { statusCode, body } = await ready(service);

    expect(statusCode).toBe(503);
    expect(body.status).toBe('not_ready');
    expect(body.failed).toEqual(['store']);
    expect(body.checks.store).toEqual({
      ok: false,
      message: 'The store did not answer a trivial query.',
    });
    expect(body.checks.queue).toEqual({ ok: true });
    expect(service.logText()).toContain('"msg":"readiness check failed; GET /ready returns 503"');
  });

  it('keeps /health at 200 while not ready', async () => {
    service = await startTestService();
    await service.store.close();

    const response = await service.app.inject({ method: 'GET', url: '/health' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('checks the JetStream queue', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const names = uniqueStreamNames();
    cleanups.push(() => names.remove());
    service = await startTestService({
      DATABASE_URL: database.url,
      NATS_URL: TEST_NATS_URL,
      ACTIVATOR_NATS_STREAM: names.stream,
    });

    const { statusCode, body } = await ready(service);

    expect(statusCode).toBe(200);
    expect(body.checks.queue).toEqual({ ok: true });
  });
});

describe('JetStream queue check', () => {
  it('fails after the connection closes', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const names = uniqueStreamNames();
    cleanups.push(() => names.remove());
    service = await startTestService({ DATABASE_URL: database.url });
    const config = loadConfig({
      DATA_DIR: service.dataDir,
      NATS_URL: TEST_NATS_URL,
      ACTIVATOR_NATS_STREAM: names.stream,
    });
    const topology = await openDeliveryTopology(config, service.store, createLogger('silent'));

    await expect(topology.checkQueue()).resolves.toBeUndefined();
    await topology.close();
    await expect(topology.checkQueue()).rejects.toThrow('the NATS connection is closed');
  });
});
