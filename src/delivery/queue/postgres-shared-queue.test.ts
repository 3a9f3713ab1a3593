import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { openPostgresStore } from '../../store/postgres/open-postgres-store.js';
import type { Store } from '../../store/store.js';
import { createTestDatabase } from '../../test-support/postgres-database.js';
import type { ActivationQueue } from './activation-queue.js';
import { SqlActivationQueue } from './sql-activation-queue.js';
import { activationRequest as request } from '../../test-support/activation-request.js';

// The queue in the store serves one delivering process. These tests show what goes wrong when
// two share it, which is why `activator worker` and `serve --no-workers` require NATS_URL.

describe('PostgreSQL queue shared by two worker processes', () => {
  const now = 1_000_000;
  const claimOptions = { connectorId: 'c1', maxBatchSize: 100, lingerMs: 0, now };
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;

  beforeEach(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore(database.url, createLogger('silent'));
  });

  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  // NOTE: the engine runs `recover()` at every start, and on the shared table it returns every
  // claimed batch to waiting, those of the live workers included. Their holder then claims the
  // same keys a second time while the first batch is still in flight.
  it.fails('leaves a live worker batch claimed when another starts', async () => {
    const first = new SqlActivationQueue(store.db, 'postgres');
    const second = new SqlActivationQueue(store.db, 'postgres');
    await first.enqueue([request('p1')], now);
    expect(await first.claim(claimOptions)).toBeDefined();

    await second.recover();

    expect(await first.claim(claimOptions)).toBeUndefined();
  });

  // NOTE: the queue has no `adopt`, and `connectorsWithWork` lists only waiting rows, so the batch
  // of a killed worker stays claimed until some process restarts.
  it.fails('gives a dead worker batch to the next holder', async () => {
    const first = new SqlActivationQueue(store.db, 'postgres');
    const second: ActivationQueue = new SqlActivationQueue(store.db, 'postgres');
    await first.enqueue([request('p1')], now);
    expect(await first.claim(claimOptions)).toBeDefined();

    // The first worker is killed; the second one takes the connector's lease.
    expect(await second.connectorsWithWork()).toEqual(['c1']);
    await second.adopt?.('c1');
    const batch = await second.claim(claimOptions);

    expect(batch?.activations.map((activation) => activation.profileId)).toEqual(['p1']);
  });
});
