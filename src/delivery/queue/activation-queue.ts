import type { Transaction } from 'kysely';
import type { BatchProfile } from '../../connectors/connector-type.js';
import type { Database } from '../../store/schema.js';

/** One unit of outbound work: add or remove one profile at one destination. */
export interface ActivationRequest {
  connectorId: string;
  /** Audience connection settings handed to the sender (for Meta, `customAudienceId`). */
  destination: Record<string, unknown>;
  /** Stable text form of the destination; activations coalesce per destination key. */
  destinationKey: string;
  profileId: string;
  operation: 'add' | 'remove';
  /** Identifiers and attributes to send. */
  profile: Omit<BatchProfile, 'key'>;
}

/** An activation handed to a worker; `key` is unique within its batch. */
export interface ClaimedActivation extends ActivationRequest {
  key: string;
  /** Attempts made before this one. */
  attempts: number;
  /** When the current desired state was enqueued (epoch ms); the retry age counts from here. */
  enqueuedAt: number;
}

/** A claimed batch: one connector, one destination, one operation. */
export interface ClaimedBatch {
  batchId: string;
  connectorId: string;
  destinationKey: string;
  destination: Record<string, unknown>;
  operation: 'add' | 'remove';
  activations: ClaimedActivation[];
}

/** Disposition of one claimed activation once its attempt is recorded. */
export type Settlement =
  | { key: string; action: 'done' }
  | { key: string; action: 'retry'; nextAttemptAt: number; lastError: string }
  /** Back to waiting without counting an attempt (connector paused, process stopping). */
  | { key: string; action: 'release' }
  /** Stays claimed: the partner accepted it and reports the final status later. */
  | { key: string; action: 'hold' };

export interface ClaimOptions {
  connectorId: string;
  maxBatchSize: number;
  /** A group smaller than `maxBatchSize` is claimed once its oldest activation waited this long. */
  lingerMs: number;
  now: number;
}

/**
 * The activation queue. It coalesces per (connector, destination, profile): only the latest
 * desired state waits, and a key is in at most one claimed batch at a time. A state enqueued
 * while the key is in flight waits until that batch settles, then supersedes any retry of it.
 */
export interface ActivationQueue {
  enqueue(requests: ActivationRequest[], now: number): Promise<void>;
  /** Claims the next ready batch of a connector, or returns undefined when none is ready. */
  claim(options: ClaimOptions): Promise<ClaimedBatch | undefined>;
  /**
   * Settles every activation of a claimed batch. `transaction` lets the embedded queue commit
   * together with the statistics and the ledger.
   */
  settle(
    batch: ClaimedBatch,
    settlements: Settlement[],
    transaction: Transaction<Database>,
  ): Promise<void>;
  /**
   * Finishes a settlement once its transaction committed: a queue outside the store
   * acknowledges or reschedules its messages here. Callers run it after every settle commits.
   */
  settled?(batch: ClaimedBatch): Promise<void>;
  /**
   * Drops every waiting activation of a connector (deactivation) and returns how many. A queue
   * outside the store may drop none and return 0: the connector's lane then claims them and
   * counts them as `deactivated` skips.
   */
  discardWaiting(connectorId: string, transaction: Transaction<Database>): Promise<number>;
  /**
   * This process now delivers the connector (it took the connector's lease): a queue shared
   * by several processes takes back what a previous holder claimed but never settled.
   */
  adopt?(connectorId: string): Promise<void>;
  /** Another process delivers the connector now: forget the messages this process staged for it. */
  abandon?(connectorId: string): Promise<void>;
  /** Drops everything queued for a deleted connector, claimed or not. */
  forget?(connectorId: string): Promise<void>;
  /** Closes connections the queue opened. */
  close?(): Promise<void>;
  /** Moves the retry age clock of a connector's waiting activations forward by `pausedMs`. */
  shiftAge(connectorId: string, pausedMs: number): Promise<void>;
  /** Counts waiting activations that already failed at least once. */
  pendingRetry(connectorId: string): Promise<number>;
  /** Counts activations waiting or in flight. */
  pending(connectorId?: string): Promise<number>;
  /**
   * Returns claimed batches to the waiting state; run at start after a crash. Batches that wait
   * for a partner's confirmation stay claimed.
   */
  recover(): Promise<number>;
  /** The activations still claimed under a batch id (held for a partner's confirmation). */
  heldBatch(batchId: string): Promise<ClaimedBatch | undefined>;
  /** Connectors that have activations waiting. */
  connectorsWithWork(): Promise<string[]>;
}
