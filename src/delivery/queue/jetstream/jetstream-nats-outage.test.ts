import { connect } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/logger.js';
import { openPostgresStore } from '../../../store/postgres/open-postgres-store.js';
import type { Store } from '../../../store/store.js';
import { OwnNatsServer } from '../../../test-support/own-nats-server.js';
import { createTestDatabase } from '../../../test-support/postgres-database.js';
import { waitFor } from '../../../test-support/simulator-client.js';
import type { ClaimedBatch, Settlement } from '../activation-queue.js';
import { JetStreamActivationQueue } from './jetstream-activation-queue.js';
import { activationRequest as request } from '../../../test-support/activation-request.js';

// NATS goes away between the commit of a settlement and its acknowledgement. The server is
// this test's own, so killing it touches no other test.

describe('JetStream queue when NATS fails after a commit', () => {
  const logger = createLogger('silent');
  let nats: OwnNatsServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let queue: JetStreamActivationQueue;

  beforeEach(async () => {
    nats = await OwnNatsServer.start();
    database = await createTestDatabase();
    store = await openPostgresStore(database.url, logger);
    const connection = await connect({ servers: nats.url, reconnectTimeWait: 200 });
    queue = await JetStreamActivationQueue.open({
      connection,
      db: store.db,
      logger,
      ackWaitMs: 1_000,
    });
  });

  afterEach(async () => {
    await queue.close().catch(() => undefined);
    await nats.dispose();
    await store.close();
    await database.drop();
  });

  async function commit(batch: ClaimedBatch, settlements: Settlement[]) {
    await store.db.transaction().execute((trx) => queue.settle(batch, settlements, trx));
  }

  it('finishes a recorded settlement without throwing', async () => {
    const now = Date.now();
    await queue.enqueue([request('p1'), request('p2')], now);
    await queue.caughtUp('c1');
    const batch = await queue.claim({ connectorId: 'c1', maxBatchSize: 10, lingerMs: 0, now });
    await commit(batch!, [
      { key: 'p1', action: 'done' },
      { key: 'p2', action: 'retry', nextAttemptAt: now, lastError: '{}' },
    ]);
    await nats.kill();

    await expect(queue.settled(batch!)).resolves.toBeUndefined();
  }, 30_000);

  it('does not send a recorded message again after NATS is back', async () => {
    const now = Date.now();
    await queue.enqueue([request('p1')], now);
    await queue.caughtUp('c1');
    const batch = await queue.claim({ connectorId: 'c1', maxBatchSize: 10, lingerMs: 0, now });
    await commit(batch!, [{ key: 'p1', action: 'done' }]);
    await nats.kill();
    await queue.settled(batch!).catch(() => undefined);
    await nats.start();

    // The unacknowledged message comes back after the acknowledgement wait; its receipt drops it.
    await waitFor(
      'the recorded message to leave the stream',
      async () => {
        const claimed = await queue.claim({
          connectorId: 'c1',
          maxBatchSize: 10,
          lingerMs: 0,
          now: Date.now(),
        });
        expect(claimed).toBeUndefined();

        return (await queue.pending('c1').catch(() => -1)) === 0;
      },
      20_000,
    );
  }, 40_000);
});
