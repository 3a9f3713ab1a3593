import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/logger.js';
import { openPostgresStore } from '../../../store/postgres/open-postgres-store.js';
import type { Store } from '../../../store/store.js';
import { connectTestNats, uniqueStreamNames } from '../../../test-support/nats-streams.js';
import { createTestDatabase } from '../../../test-support/postgres-database.js';
import type { ClaimedBatch, Settlement } from '../activation-queue.js';
import { JetStreamActivationQueue } from './jetstream-activation-queue.js';
import { activationRequest as request } from '../../../test-support/activation-request.js';

// Two processes on one store and one stream: the first delivers connector c1 and dies,
// and the second takes c1 over. Each "process" is a queue on its own NATS connection.

interface Process {
  connection: NatsConnection;
  queue: JetStreamActivationQueue;
}

describe('JetStream queue across a takeover', () => {
  const now = Date.now();
  const logger = createLogger('silent');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let names: ReturnType<typeof uniqueStreamNames>;
  let store: Store;
  const processes: Process[] = [];

  async function startProcess(): Promise<Process> {
    const connection = await connectTestNats();
    const queue = await JetStreamActivationQueue.open({ connection, db: store.db, logger, names });
    const started = { connection, queue };
    processes.push(started);

    return started;
  }

  /** Ends a process the way kill -9 does: no acknowledgement, no settlement. */
  async function crash(process: Process): Promise<void> {
    await process.connection.close();
  }

  async function claim(process: Process, at = now) {
    await process.queue.caughtUp('c1');

    return process.queue.claim({ connectorId: 'c1', maxBatchSize: 100, lingerMs: 0, now: at });
  }

  /** Commits a settlement; `acknowledge: false` stops before `settled`, as a crash would. */
  async function settle(
    process: Process,
    batch: ClaimedBatch,
    settlements: Settlement[],
    acknowledge = true,
  ) {
    await store.db.transaction().execute((trx) => process.queue.settle(batch, settlements, trx));
    if (acknowledge) await process.queue.settled(batch);
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    names = uniqueStreamNames();
    store = await openPostgresStore(database.url, logger);
  });

  afterEach(async () => {
    for (const process of processes.splice(0)) {
      await process.queue.close().catch(() => undefined);
      if (!process.connection.isClosed()) await process.connection.close();
    }
    await names.remove();
    await store.close();
    await database.drop();
  });

  it('redelivers a batch the dead holder never settled', async () => {
    const first = await startProcess();
    await first.queue.enqueue([request('p1'), request('p2')], now);
    expect((await claim(first))?.activations).toHaveLength(2);
    await crash(first);

    const second = await startProcess();
    await second.queue.adopt('c1');
    const batch = await claim(second);

    expect(batch?.activations.map((activation) => activation.profileId).sort()).toEqual([
      'p1',
      'p2',
    ]);
  });

  it('sends the newer remove, not the add, after a takeover', async () => {
    const first = await startProcess();
    await first.queue.enqueue([request('p1')], now);
    expect((await claim(first))?.operation).toBe('add');
    await first.queue.enqueue([request('p1', { operation: 'remove' })], now);
    await crash(first);

    const second = await startProcess();
    await second.queue.adopt('c1');
    const batch = await claim(second);

    expect(batch?.operation).toBe('remove');
    expect(batch?.activations).toHaveLength(1);
    expect(await claim(second)).toBeUndefined();
  });

  it('skips a message recorded before the crash', async () => {
    const first = await startProcess();
    await first.queue.enqueue([request('p1')], now);
    const batch = await claim(first);
    await settle(first, batch!, [{ key: 'p1', action: 'done' }], false);
    await crash(first);

    const second = await startProcess();
    await second.queue.adopt('c1');

    expect(await claim(second)).toBeUndefined();
    // The acknowledgement is sent without waiting for the server's reply.
    await expect.poll(() => second.queue.pending('c1')).toBe(0);
  });

  it('keeps a held batch in flight for the next holder', async () => {
    const first = await startProcess();
    await first.queue.enqueue([request('p1')], now);
    const batch = await claim(first);
    await settle(first, batch!, [{ key: 'p1', action: 'hold' }], false);
    await crash(first);

    const second = await startProcess();
    await second.queue.enqueue([request('p1', { operation: 'remove' })], now);
    await second.queue.adopt('c1');

    // The remove waits until the partner confirmed the held add.
    expect(await claim(second)).toBeUndefined();
    const held = await second.queue.heldBatch(batch!.batchId);
    expect(held?.activations.map((activation) => activation.profileId)).toEqual(['p1']);
    await settle(second, held!, [{ key: 'p1', action: 'done' }]);
    const next = await claim(second);

    expect(next?.operation).toBe('remove');
  });

  it('lets a newer state replace a retry published before the crash', async () => {
    const first = await startProcess();
    await first.queue.enqueue([request('p1')], now);
    const batch = await claim(first);
    await settle(first, batch!, [
      { key: 'p1', action: 'retry', nextAttemptAt: now + 60_000, lastError: '{}' },
    ]);
    await crash(first);

    const second = await startProcess();
    await second.queue.enqueue([request('p1', { operation: 'remove' })], now);
    await second.queue.adopt('c1');
    const next = await claim(second);

    expect(next?.operation).toBe('remove');
    expect(next?.activations[0]?.attempts).toBe(0);
  });

  it('reports a waiting retry after a takeover', async () => {
    const first = await startProcess();
    await first.queue.enqueue([request('p1')], now);
    const batch = await claim(first);
    await settle(first, batch!, [
      { key: 'p1', action: 'retry', nextAttemptAt: now + 60_000, lastError: '{}' },
    ]);
    expect(await first.queue.pendingRetry('c1')).toBe(1);
    await crash(first);

    const second = await startProcess();
    await second.queue.adopt('c1');
    await second.queue.caughtUp('c1');

    expect(await second.queue.pendingRetry('c1')).toBe(1);
  });
});
