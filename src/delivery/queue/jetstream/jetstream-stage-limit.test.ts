import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/logger.js';
import { openPostgresStore } from '../../../store/postgres/open-postgres-store.js';
import type { Store } from '../../../store/store.js';
import { connectTestNats, uniqueStreamNames } from '../../../test-support/nats-streams.js';
import { createTestDatabase } from '../../../test-support/postgres-database.js';
import { waitFor } from '../../../test-support/simulator-client.js';
import type { ActivationRequest, ClaimedBatch, Settlement } from '../activation-queue.js';
import { JetStreamActivationQueue } from './jetstream-activation-queue.js';
import { activationRequest as request } from '../../../test-support/activation-request.js';

// The server's count of messages delivered to the consumer and not yet acknowledged is the
// number of messages in the process, as long as no retry has been handed back with a delay.

const STAGE_LIMIT = 100;
const BACKLOG = 1_000;
/** How long a check samples the server's count after the process could have pulled more. */
const SAMPLE_MS = 500;

function backlog(count: number): ActivationRequest[] {
  return Array.from({ length: count }, (_, index) => request(`p${index}`));
}

describe('JetStream queue stage limit', () => {
  const logger = createLogger('silent');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let names: ReturnType<typeof uniqueStreamNames>;
  let store: Store;
  let connection: NatsConnection;
  let jsm: JetStreamManager;
  let queue: JetStreamActivationQueue;

  beforeEach(async () => {
    database = await createTestDatabase();
    names = uniqueStreamNames();
    store = await openPostgresStore(database.url, logger);
    connection = await connectTestNats();
    jsm = await jetstreamManager(connection);
    queue = await JetStreamActivationQueue.open({
      connection,
      db: store.db,
      logger,
      names,
      stageLimit: STAGE_LIMIT,
    });
  });

  afterEach(async () => {
    await queue.close();
    await connection.close();
    await names.remove();
    await store.close();
    await database.drop();
  });

  async function consumerInfo() {
    return jsm.consumers.info(names.stream, 'connector-c1');
  }

  async function unacknowledged(): Promise<number> {
    return (await consumerInfo()).num_ack_pending;
  }

  /** Returns the highest unacknowledged count the server reports during `SAMPLE_MS`. */
  async function maxUnacknowledged(): Promise<number> {
    let max = 0;
    const deadline = Date.now() + SAMPLE_MS;
    while (Date.now() < deadline) {
      max = Math.max(max, await unacknowledged());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    return max;
  }

  async function claim(maxBatchSize = 50): Promise<ClaimedBatch | undefined> {
    return queue.claim({ connectorId: 'c1', maxBatchSize, lingerMs: 0, now: Date.now() });
  }

  async function settle(batch: ClaimedBatch, settlement: (key: string) => Settlement) {
    const settlements = batch.activations.map((activation) => settlement(activation.key));
    await store.db.transaction().execute((trx) => queue.settle(batch, settlements, trx));
    await queue.settled(batch);
  }

  it('stays within the limit under a backlog', async () => {
    await queue.enqueue(backlog(BACKLOG), Date.now());
    await queue.adopt('c1');
    await waitFor('the stage to fill', async () => (await unacknowledged()) >= STAGE_LIMIT);

    expect(await maxUnacknowledged()).toBeLessThanOrEqual(STAGE_LIMIT);
    expect((await consumerInfo()).num_pending).toBeGreaterThanOrEqual(BACKLOG - STAGE_LIMIT);
  });

  it('counts claimed batches against the limit', async () => {
    await queue.enqueue(backlog(BACKLOG), Date.now());
    await queue.adopt('c1');
    await waitFor('the stage to fill', async () => (await unacknowledged()) >= STAGE_LIMIT);
    const first = await claim();
    const second = await claim();
    expect(first?.activations).toHaveLength(50);
    expect(second?.activations).toHaveLength(50);

    expect(await maxUnacknowledged()).toBeLessThanOrEqual(STAGE_LIMIT);

    await settle(first!, (key) => ({ key, action: 'done' }));
    await settle(second!, (key) => ({ key, action: 'done' }));
    await waitFor('the freed room to refill', async () => {
      const info = await consumerInfo();

      return info.num_ack_pending === STAGE_LIMIT && info.num_pending === BACKLOG - 200;
    });
  });

  it('drains the backlog exactly once', async () => {
    await queue.enqueue(backlog(BACKLOG), Date.now());
    const delivered = new Map<string, number>();
    let maxSeen = 0;
    await waitFor(
      'the backlog to drain',
      async () => {
        maxSeen = Math.max(maxSeen, await unacknowledged().catch(() => 0));
        const batch = await claim();
        if (batch) {
          for (const activation of batch.activations) {
            delivered.set(activation.key, (delivered.get(activation.key) ?? 0) + 1);
          }
          await settle(batch, (key) => ({ key, action: 'done' }));
        }

        return (await queue.pending('c1')) === 0;
      },
      60_000,
    );

    const repeated = [...delivered].filter(([, times]) => times > 1).map(([key]) => key);
    expect(delivered.size).toBe(BACKLOG);
    expect(repeated).toEqual([]);
    expect(maxSeen).toBeLessThanOrEqual(STAGE_LIMIT);
  }, 90_000);

  it('pulls new work past delayed retries', async () => {
    // Each retry is handed back to the server with a delay and stays unacknowledged there, so
    // three times the limit of them must not stop new activations from arriving.
    await queue.enqueue(backlog(3 * STAGE_LIMIT), Date.now());
    const retried = new Set<string>();
    while (retried.size < 3 * STAGE_LIMIT) {
      let batch: ClaimedBatch | undefined;
      await waitFor(`new activations after ${retried.size} retries`, async () => {
        batch = await claim(STAGE_LIMIT);

        return batch !== undefined;
      });
      const retries = batch!.activations.filter((activation) => activation.attempts > 0);
      expect(retries).toEqual([]);
      await settle(batch!, (key) => ({
        key,
        action: 'retry',
        nextAttemptAt: Date.now() + 600_000,
        lastError: '{}',
      }));
      for (const activation of batch!.activations) retried.add(activation.key);
    }

    expect(retried.size).toBe(3 * STAGE_LIMIT);
    await waitFor('every retry to be handed back', async () => {
      const info = await consumerInfo();

      return info.num_pending === 0 && info.num_ack_pending === 3 * STAGE_LIMIT;
    });
    expect(await queue.pendingRetry('c1')).toBe(3 * STAGE_LIMIT);
    expect(await claim(STAGE_LIMIT)).toBeUndefined();
  });
});
