import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/store.js';
import type { ActivationQueue, ClaimedBatch, Settlement } from './activation-queue.js';
import { activationRequest as request } from '../../test-support/activation-request.js';

/** A queue under test, with the store its settlements commit in. */
export interface QueueUnderTest {
  queue: ActivationQueue;
  store: Store;
  /** Waits until the queue has taken in what was enqueued (a queue fed by a server). */
  caughtUp?(connectorId: string): Promise<void>;
  dispose(): Promise<void>;
}

/** The behaviour every activation queue implementation must have. */
export function describeActivationQueueContract(
  name: string,
  create: () => Promise<QueueUnderTest>,
) {
  describe(`${name} activation queue`, () => {
    let subject: QueueUnderTest;
    const now = 1_000_000;
    const claimNow = async (
      options: { maxBatchSize?: number; lingerMs?: number; at?: number } = {},
    ) => {
      await subject.caughtUp?.('c1');

      return subject.queue.claim({
        connectorId: 'c1',
        maxBatchSize: options.maxBatchSize ?? 100,
        lingerMs: options.lingerMs ?? 0,
        now: options.at ?? now,
      });
    };
    const settled = async (batch: ClaimedBatch) => {
      await subject.queue.settled?.(batch);
    };
    const settle = async (batch: ClaimedBatch, settlements: Settlement[]) => {
      await subject.store.db
        .transaction()
        .execute((trx) => subject.queue.settle(batch, settlements, trx));
      await settled(batch);
    };

    beforeEach(async () => {
      subject = await create();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    it('claims enqueued activations as one batch', async () => {
      await subject.queue.enqueue([request('p1'), request('p2')], now);
      const batch = await claimNow();

      expect(batch?.operation).toBe('add');
      expect(batch?.destination).toEqual({ customAudienceId: '111' });
      expect(batch?.activations.map((activation) => activation.profileId).sort()).toEqual([
        'p1',
        'p2',
      ]);
      expect(batch?.activations[0]?.profile.identifiers.email).toBeDefined();
    });

    it('waits for the linger time before claiming a small batch', async () => {
      await subject.queue.enqueue([request('p1')], now);

      expect(await claimNow({ lingerMs: 1000, at: now + 999 })).toBeUndefined();
      expect(await claimNow({ lingerMs: 1000, at: now + 1000 })).toBeDefined();
    });

    it('claims a full batch at once and caps its size', async () => {
      await subject.queue.enqueue(
        ['p1', 'p2', 'p3'].map((id) => request(id)),
        now,
      );
      const batch = await claimNow({ maxBatchSize: 2, lingerMs: 60_000 });

      expect(batch?.activations).toHaveLength(2);
    });

    it('keeps destinations and operations in separate batches', async () => {
      await subject.queue.enqueue(
        [
          request('p1'),
          request('p2', { operation: 'remove' }),
          request('p3', { destinationKey: '222', destination: { customAudienceId: '222' } }),
        ],
        now,
      );
      const batches = [await claimNow(), await claimNow(), await claimNow()];

      expect(batches.map((batch) => batch?.activations.length)).toEqual([1, 1, 1]);
      expect(
        new Set(batches.map((batch) => `${batch?.destinationKey}/${batch?.operation}`)).size,
      ).toBe(3);
      expect(await claimNow()).toBeUndefined();
    });

    it('keeps only the latest desired state of a waiting key', async () => {
      await subject.queue.enqueue([request('p1')], now);
      await subject.queue.enqueue([request('p1', { operation: 'remove' })], now);
      const batch = await claimNow();

      expect(batch?.operation).toBe('remove');
      expect(batch?.activations).toHaveLength(1);
      expect(await claimNow()).toBeUndefined();
    });

    it('never puts a key in two claimed batches', async () => {
      await subject.queue.enqueue([request('p1')], now);
      const first = await claimNow();
      await subject.queue.enqueue([request('p1', { operation: 'remove' })], now);

      expect(first).toBeDefined();
      expect(await claimNow()).toBeUndefined();

      await settle(first!, [{ key: 'p1', action: 'done' }]);
      const second = await claimNow();

      expect(second?.operation).toBe('remove');
    });

    it('lets a newer state replace a retry of the same key', async () => {
      await subject.queue.enqueue([request('p1')], now);
      const first = await claimNow();
      await subject.queue.enqueue([request('p1', { operation: 'remove' })], now);
      await settle(first!, [{ key: 'p1', action: 'retry', nextAttemptAt: now, lastError: '{}' }]);
      const next = await claimNow();

      expect(next?.operation).toBe('remove');
      expect(next?.activations[0]?.attempts).toBe(0);
      expect(await subject.queue.pending('c1')).toBe(1);
    });

    it('claims other groups while a newer state waits behind a held batch', async () => {
      await subject.queue.enqueue([request('p1')], now);
      const held = await claimNow();
      await settle(held!, [{ key: 'p1', action: 'hold' }]);
      await subject.queue.enqueue([request('p1', { operation: 'remove' })], now);
      await subject.queue.enqueue([request('p2')], now + 1);
      const next = await claimNow({ at: now + 1 });

      expect(next?.operation).toBe('add');
      expect(next?.activations.map((activation) => activation.profileId)).toEqual(['p2']);
    });

    it('holds a retry until its next attempt time', async () => {
      await subject.queue.enqueue([request('p1')], now);
      const first = await claimNow();
      await settle(first!, [
        { key: 'p1', action: 'retry', nextAttemptAt: now + 5000, lastError: '{}' },
      ]);

      expect(await claimNow({ at: now + 4999 })).toBeUndefined();
      expect(await subject.queue.pendingRetry('c1')).toBe(1);
      const retried = await claimNow({ at: now + 5000 });

      expect(retried?.activations[0]?.attempts).toBe(1);
    });

    it('releases without counting an attempt', async () => {
      await subject.queue.enqueue([request('p1')], now);
      const first = await claimNow();
      await settle(first!, [{ key: 'p1', action: 'release' }]);
      const again = await claimNow();

      expect(again?.activations[0]?.attempts).toBe(0);
    });

    it('removes settled activations', async () => {
      await subject.queue.enqueue([request('p1'), request('p2')], now);
      const batch = await claimNow();
      await settle(batch!, [
        { key: 'p1', action: 'done' },
        { key: 'p2', action: 'done' },
      ]);

      expect(await subject.queue.pending()).toBe(0);
    });

    it('discards waiting activations, or leaves them to be claimed, but not claimed ones', async () => {
      await subject.queue.enqueue([request('p1')], now);
      await claimNow();
      await subject.queue.enqueue([request('p2'), request('p3')], now);
      const discarded = await subject.store.db
        .transaction()
        .execute((trx) => subject.queue.discardWaiting('c1', trx));
      const leftToClaim = (await claimNow())?.activations.length ?? 0;

      expect(discarded + leftToClaim).toBe(2);
      expect(await subject.queue.pending('c1')).toBe(1 + leftToClaim);
    });

    it('returns claimed activations to waiting on recovery', async () => {
      await subject.queue.enqueue([request('p1'), request('p2')], now);
      await claimNow();

      expect(await subject.queue.recover()).toBe(2);
      expect((await claimNow())?.activations).toHaveLength(2);
    });

    it('prefers the newer state over a claimed one on recovery', async () => {
      await subject.queue.enqueue([request('p1')], now);
      await claimNow();
      await subject.queue.enqueue([request('p1', { operation: 'remove' })], now);
      await subject.queue.recover();
      const batch = await claimNow();

      expect(batch?.operation).toBe('remove');
      expect(await subject.queue.pending()).toBe(1);
    });

    it('moves the retry age clock forward', async () => {
      await subject.queue.enqueue([request('p1')], now);
      await subject.queue.shiftAge('c1', 60_000);

      expect((await claimNow())?.activations[0]?.enqueuedAt).toBe(now + 60_000);
    });

    it('lists connectors with waiting work', async () => {
      await subject.queue.enqueue([request('p1'), request('p2', { connectorId: 'c2' })], now);

      expect((await subject.queue.connectorsWithWork()).sort()).toEqual(['c1', 'c2']);
    });
  });
}
