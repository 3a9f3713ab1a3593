import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.js';
import type { ActivationQueue, ClaimedBatch, Settlement } from './activation-queue.js';
import { describeActivationQueueContract } from './activation-queue.contract.js';
import { SqlActivationQueue } from './sql-activation-queue.js';
import { SqliteActivationQueue } from './sqlite-activation-queue.js';

const logger = createLogger('silent');

async function openQueue(
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-queue-')),
  prepared = true,
) {
  const store = await openSqliteStore(dataDir, logger);

  return {
    store,
    queue: prepared
      ? new SqliteActivationQueue(store.db, store.sqlite!)
      : new SqlActivationQueue(store.db, 'sqlite'),
    dataDir,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeActivationQueueContract('SQLite', () => openQueue());
describeActivationQueueContract('SQLite through Kysely only', () => openQueue(undefined, false));

describe('SQLite activation queue', () => {
  it('keeps enqueued activations across a reopen', async () => {
    const first = await openQueue();
    await first.queue.enqueue(
      [
        {
          connectorId: 'c1',
          destination: { customAudienceId: '1' },
          destinationKey: '1',
          profileId: 'p1',
          operation: 'add',
          profile: { identifiers: { email: ['a@example.com'] } },
        },
      ],
      1,
    );
    await first.store.close();
    const reopened = await openQueue(first.dataDir);

    expect(await reopened.queue.pending('c1')).toBe(1);
    await reopened.dispose();
  });

  it('requeues lost claims and keeps held ones', async () => {
    const first = await openQueue();
    await first.queue.enqueue([activation('p1')], 1);
    const lost = await claimAll(first.queue);
    await first.queue.enqueue([activation('p2')], 1);
    const held = await claimAll(first.queue);
    await first.store.db
      .transaction()
      .execute((trx) => first.queue.settle(held!, [{ key: 'p2', action: 'hold' }], trx));
    // Closing without settling `lost` leaves on disk what a crash leaves.
    await first.store.close();
    const reopened = await openQueue(first.dataDir);

    expect(lost?.activations[0]?.profileId).toBe('p1');
    expect((await claimAll(reopened.queue))?.activations.map((row) => row.profileId)).toEqual([
      'p1',
    ]);
    expect((await reopened.queue.heldBatch(held!.batchId))?.activations[0]?.profileId).toBe('p2');
    await reopened.dispose();
  });

  it('fails claims on a read-only store', async () => {
    const subject = await openQueue();
    await subject.queue.enqueue([activation('p1')], 1);
    subject.store.sqlite!.pragma('query_only = ON');

    await expect(claimAll(subject.queue)).rejects.toThrow(/readonly/i);
    subject.store.sqlite!.pragma('query_only = OFF');
    expect((await claimAll(subject.queue))?.activations[0]?.profileId).toBe('p1');
    await subject.dispose();
  });

  it('retries a rolled-back retry settlement', async () => {
    const subject = await openQueue();
    await subject.queue.enqueue([activation('p1')], 1);
    const batch = (await claimAll(subject.queue))!;
    const retry: Settlement = { key: 'p1', action: 'retry', nextAttemptAt: 2, lastError: '{}' };

    await expect(settleThenFail(subject, batch, [retry])).rejects.toThrow(/disk full/);
    await settle(subject, batch, [retry]);
    const again = await claimAll(subject.queue);

    expect(again?.activations.map((row) => row.profileId)).toEqual(['p1']);
    expect(again?.activations[0]?.attempts).toBe(1);
    await subject.dispose();
  });

  it('retries a rolled-back done settlement', async () => {
    const subject = await openQueue();
    await subject.queue.enqueue([activation('p1')], 1);
    const batch = (await claimAll(subject.queue))!;
    const done: Settlement = { key: 'p1', action: 'done' };

    await expect(settleThenFail(subject, batch, [done])).rejects.toThrow(/disk full/);
    await settle(subject, batch, [done]);

    expect(await subject.queue.pending('c1')).toBe(0);
    await subject.dispose();
  });

  it('keeps a state enqueued before settled()', async () => {
    const subject = await openQueue();
    await subject.queue.enqueue([activation('p1')], 1);
    const batch = (await claimAll(subject.queue))!;
    await subject.store.db
      .transaction()
      .execute((trx) =>
        subject.queue.settle(
          batch,
          [{ key: 'p1', action: 'retry', nextAttemptAt: 2, lastError: '{}' }],
          trx,
        ),
      );
    await subject.queue.enqueue([{ ...activation('p1'), operation: 'remove' }], 2);
    await settled(subject.queue, batch);
    const next = await claimAll(subject.queue);

    expect(next?.operation).toBe('remove');
    expect(next?.activations[0]?.attempts).toBe(0);
    expect(await subject.queue.pending('c1')).toBe(1);
    await subject.dispose();
  });
});

type OpenedQueue = Awaited<ReturnType<typeof openQueue>>;

async function settle(subject: OpenedQueue, batch: ClaimedBatch, settlements: Settlement[]) {
  await subject.store.db
    .transaction()
    .execute((trx) => subject.queue.settle(batch, settlements, trx));
  await settled(subject.queue, batch);
}

/** Runs the step every caller takes once a settlement committed (not all queues have one). */
async function settled(queue: ActivationQueue, batch: ClaimedBatch) {
  await queue.settled?.(batch);
}

/** Settles in a transaction that then fails, as a commit on a full disk does. */
function settleThenFail(subject: OpenedQueue, batch: ClaimedBatch, settlements: Settlement[]) {
  return subject.store.db.transaction().execute(async (trx) => {
    await subject.queue.settle(batch, settlements, trx);
    throw new Error('disk full');
  });
}

function activation(profileId: string) {
  return {
    connectorId: 'c1',
    destination: { customAudienceId: '1' },
    destinationKey: '1',
    profileId,
    operation: 'add' as const,
    profile: { identifiers: { email: [`${profileId}@example.com`] } },
  };
}

function claimAll(queue: SqlActivationQueue) {
  return queue.claim({ connectorId: 'c1', maxBatchSize: 100, lingerMs: 0, now: 2 });
}
