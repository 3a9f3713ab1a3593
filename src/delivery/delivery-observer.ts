import type { DeliveryCounts } from '../statistics/delivery-counts.js';
import type { FailureGroup } from './failure-groups.js';
import type { ActivationRequest, ClaimedBatch } from './queue/activation-queue.js';

/**
 * Receives delivery events for metrics and alerts. The engine calls every method synchronously
 * on its own path, so an implementation must return quickly and must not throw.
 */
export interface DeliveryObserver {
  /** Called after `requests` were added to the queue. */
  enqueued(requests: readonly ActivationRequest[]): void;
  /** Called when a lane has claimed `batch` and starts its attempt at `now` (epoch ms). */
  batchStarted(batch: ClaimedBatch, connectorType: string, now: number): void;
  /** Called when the attempt of a started batch ends, whether or not it was recorded. */
  batchFinished(batch: ClaimedBatch): void;
  /**
   * Called after outcome counts of one connector were written to the statistics, for one attempt
   * of a batch or for `deactivated` skips. `failures` groups the attempt's failed activations.
   */
  outcomesRecorded(
    connectorId: string,
    counts: DeliveryCounts,
    failures: readonly FailureGroup[],
    now: number,
  ): void;
}
