import type { JsMsg } from '@nats-io/jetstream';
import type { ClaimOptions } from '../activation-queue.js';
import type { QueuedItem } from './queued-item.js';

/** A message of one connector's consumer, held by the process that delivers the connector. */
export interface StagedMessage {
  subject: string;
  seq: number;
  item: QueuedItem;
  /** Absent for an activation read back from a held batch (its message is acknowledged). */
  message?: JsMsg;
}

/** The outcome of `arrive` for one message. */
export type Arrival =
  { kind: 'staged'; superseded?: StagedMessage } | { kind: 'duplicate' } | { kind: 'stale' };

/**
 * The messages one process holds for a connector it delivers: waiting ones, grouped into
 * batches on claim, and the subjects in flight. A subject is in at most one batch at a time; a
 * newer message for a subject in flight waits until that batch settles.
 */
export class ConnectorStage {
  readonly waiting = new Map<string, StagedMessage>();
  /** Subject to the batch id it is in. */
  readonly flying = new Map<string, string>();
  readonly batches = new Map<string, StagedMessage[]>();
  /** Waiting messages whose receipt is not yet looked up. */
  readonly unchecked = new Set<StagedMessage>();
  /** Messages the consumer loop has taken from the consumer, delivered ones and delays alike. */
  received = 0;

  get size(): number {
    return this.waiting.size;
  }

  /** Messages counted against the stage limit: waiting ones and members of unsettled batches. */
  get messageCount(): number {
    let count = this.waiting.size;
    for (const members of this.batches.values()) count += members.length;

    return count;
  }

  arrive(staged: StagedMessage): Arrival {
    const current = this.waiting.get(staged.subject);
    if (current && current.seq === staged.seq) {
      // Redelivered after the acknowledgement wait: keep the newer handle.
      current.message = staged.message;

      return { kind: 'duplicate' };
    }
    if (current && current.seq > staged.seq) return { kind: 'stale' };
    this.waiting.set(staged.subject, staged);
    if (current) this.unchecked.delete(current);
    this.unchecked.add(staged);

    return { kind: 'staged', superseded: current };
  }

  /** Drops a waiting message (its outcome is already recorded). */
  drop(staged: StagedMessage): void {
    if (this.waiting.get(staged.subject) === staged) this.waiting.delete(staged.subject);
    this.unchecked.delete(staged);
  }

  /** Returns the messages whose receipt is not yet looked up and clears the set. */
  takeUnchecked(): StagedMessage[] {
    const unchecked = [...this.unchecked];
    this.unchecked.clear();

    return unchecked;
  }

  /**
   * Takes the next ready group: one destination and operation, full or lingered long enough,
   * the one waiting longest first.
   */
  take(options: ClaimOptions, batchId: string): StagedMessage[] | undefined {
    const groups = new Map<string, { oldest: number; members: StagedMessage[] }>();
    for (const staged of this.waiting.values()) {
      if (this.flying.has(staged.subject) || staged.item.nextAttemptAt > options.now) continue;
      const groupKey = `${staged.item.request.operation}\n${staged.item.request.destinationKey}`;
      const group = groups.get(groupKey);
      if (group) {
        group.members.push(staged);
        group.oldest = Math.min(group.oldest, staged.item.nextAttemptAt);
      } else {
        groups.set(groupKey, { oldest: staged.item.nextAttemptAt, members: [staged] });
      }
    }
    let chosen: { oldest: number; members: StagedMessage[] } | undefined;
    for (const group of groups.values()) {
      const ready =
        group.members.length >= options.maxBatchSize ||
        options.now - group.oldest >= options.lingerMs;
      if (ready && (!chosen || group.oldest < chosen.oldest)) chosen = group;
    }
    if (!chosen) return undefined;
    const members = chosen.members.slice(0, options.maxBatchSize);
    for (const staged of members) {
      this.waiting.delete(staged.subject);
      this.flying.set(staged.subject, batchId);
    }
    this.batches.set(batchId, members);

    return members;
  }

  /** Ends a subject's flight; returns a newer message that waited for it, if any. */
  land(subject: string, batchId: string): StagedMessage | undefined {
    if (this.flying.get(subject) === batchId) this.flying.delete(subject);

    return this.waiting.get(subject);
  }
}
