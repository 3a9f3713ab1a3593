import type { Transaction } from 'kysely';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { ConnectorLifecycle } from '../connectors/management/connector-service.js';
import type { ConnectorContextFactory } from '../connectors/runtime/connector-context-factory.js';
import type { Logger } from '../log/logger.js';
import { DeliveryCounts, metricNames } from '../statistics/delivery-counts.js';
import type { StatisticsRepository } from '../statistics/statistics-repository.js';
import type { ConnectorRepository } from '../store/connector-repository.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { type CircuitBreakerOptions, DEFAULT_CIRCUIT_BREAKER } from './circuit-breaker.js';
import { ConnectorLane } from './connector-lane.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import type { DeliveryObserver } from './delivery-observer.js';
import type { OutcomeRecorder } from './outcome-recorder.js';
import type { PendingConfirmations } from './pending-confirmations.js';
import type { ActivationQueue, ActivationRequest, ClaimedBatch } from './queue/activation-queue.js';
import { type ConnectorOwnership, SoleOwnership } from '../cluster/connector-ownership.js';

export interface DeliveryEngineOptions {
  store: Store;
  queue: ActivationQueue;
  catalog: ConnectorCatalog;
  connectors: ConnectorRepository;
  contexts: ConnectorContextFactory;
  ledger: DeliveryLedger;
  recorder: OutcomeRecorder;
  confirmations: PendingConfirmations;
  statistics: StatisticsRepository;
  logger: Logger;
  /** A batch smaller than the type's maximum waits this long for more activations. Default 1 s. */
  lingerMs?: number;
  /** How often the engine looks for ready work when nothing woke it, in ms. Default 100. */
  pollIntervalMs?: number;
  circuitBreaker?: CircuitBreakerOptions;
  /** The connectors this process delivers; by default all of them. */
  ownership?: ConnectorOwnership;
  /**
   * Other processes change connectors too: lanes re-read their connector this often, and
   * before each batch. Unset in a single process, where every change reaches the engine.
   */
  reloadEveryMs?: number;
  /** Receives enqueues, batches and recorded outcomes, for metrics and alerts. */
  observer?: DeliveryObserver;
  now?: () => number;
}

export const DEFAULT_LINGER_MS = 1_000;
/** How often leases are renewed besides each tick; `refresh` skips renewals not yet due. */
const RENEW_EVERY_MS = 1_000;

/**
 * Delivers queued activations: one lane per connector with work, each with its own limits. The
 * engine also implements the connector lifecycle hooks, so a deactivation stops requests at
 * once and a credential change resumes a paused connector.
 */
export class DeliveryEngine implements ConnectorLifecycle {
  readonly #lanes = new Map<string, ConnectorLane>();
  readonly #loadedAt = new Map<string, number>();
  readonly #ownership: ConnectorOwnership;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #renewal: NodeJS.Timeout | undefined;
  #ticking = false;
  #wakeRequested = false;
  #running = false;

  constructor(private readonly options: DeliveryEngineOptions) {
    this.#now = options.now ?? Date.now;
    this.#ownership = options.ownership ?? new SoleOwnership();
  }

  /** Returns claimed batches of a crashed run to the queue and starts delivering. */
  async start(): Promise<void> {
    const recovered = await this.options.queue.recover();
    if (recovered > 0) {
      this.options.logger.info(
        { activations: recovered },
        'claimed activations returned to the queue',
      );
    }
    this.#running = true;
    this.#renewal = setInterval(() => void this.#renewLeases(), RENEW_EVERY_MS);
    this.#renewal.unref();
    this.wake();
  }

  /** Renews leases apart from the tick, which a slow lane may hold up. */
  async #renewLeases(): Promise<void> {
    try {
      for (const connectorId of await this.#ownership.refresh()) {
        this.options.logger.warn({ connectorId }, 'another process took the connector over');
        await this.#dropLane(connectorId);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'lease renewal failed; retrying');
    }
  }

  /** Stops claiming work and waits up to `timeoutMs` for batches in flight to be recorded. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    clearInterval(this.#renewal);
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = this.#inFlight();
    if (left > 0)
      this.options.logger.warn(
        { batches: left },
        'stopped with batches in flight; they are redelivered at start',
      );
    await this.#ownership.releaseAll();
  }

  async enqueue(requests: ActivationRequest[]): Promise<void> {
    await this.options.queue.enqueue(requests, this.#now());
    this.options.observer?.enqueued(requests);
    this.wake();
  }

  /** Looks for ready work now instead of at the next poll. */
  wake(): void {
    if (!this.#running) return;
    if (this.#ticking) {
      this.#wakeRequested = true;

      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), 0);
  }

  stopDeliveries(connectorId: string): void {
    this.#lanes.get(connectorId)?.stop();
  }

  async discardWaiting(connectorId: string, trx: Transaction<Database>): Promise<number> {
    const discarded = await this.options.queue.discardWaiting(connectorId, trx);
    if (discarded > 0) {
      const counts = new DeliveryCounts().add(metricNames.skipped('deactivated'), discarded);
      await this.options.statistics.increment(trx, connectorId, new Date(this.#now()), counts);
      // The observer counts these before the caller's transaction commits, so a rollback would
      // leave the metrics ahead of the statistics.
      this.options.observer?.outcomesRecorded(connectorId, counts, [], this.#now());
    }

    return discarded;
  }

  connectorChanged(connectorId: string): void {
    const lane = this.#lanes.get(connectorId);
    if (!lane) return this.wake();
    lane
      .reload()
      .then(() => this.wake())
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, connectorId }, 'connector reload failed');
      });
  }

  /** `circuit_open` while the connector's circuit breaker keeps requests back. */
  healthOf(connectorId: string): 'circuit_open' | undefined {
    return this.#lanes.get(connectorId)?.circuitOpen ? 'circuit_open' : undefined;
  }

  /** Activations waiting or in flight, for one connector or all. */
  async pending(connectorId?: string): Promise<number> {
    return this.options.queue.pending(connectorId);
  }

  async pendingRetry(connectorId: string): Promise<number> {
    return this.options.queue.pendingRetry(connectorId);
  }

  /** Batches in flight, for one connector or all. */
  inFlight(connectorId?: string): number {
    if (connectorId) return this.#lanes.get(connectorId)?.inFlight ?? 0;

    return this.#inFlight();
  }

  #inFlight(): number {
    let total = 0;
    for (const lane of this.#lanes.values()) total += lane.inFlight;

    return total;
  }

  async #tick(): Promise<void> {
    if (!this.#running || this.#ticking) return;
    this.#ticking = true;
    this.#wakeRequested = false;
    try {
      await this.#renewLeases();
      const connectorIds = [
        ...new Set([
          ...(await this.options.queue.connectorsWithWork()),
          ...(await this.options.confirmations.connectors()),
          ...this.#lanes.keys(),
        ]),
      ];
      await this.#handOverSurplus(connectorIds.length);
      const lanes = await Promise.all(
        connectorIds.map((id) => this.#ownedLane(id, connectorIds.length)),
      );
      await Promise.all(lanes.map((lane) => lane?.pump()));
    } catch (error) {
      this.options.logger.error({ err: error }, 'delivery tick failed');
    } finally {
      this.#ticking = false;
      if (this.#running) {
        const delay = this.#wakeRequested ? 0 : (this.options.pollIntervalMs ?? 100);
        this.#timer = setTimeout(() => void this.#tick(), delay);
      }
    }
  }

  /** The lane of a connector this process delivers, taking the connector over when free. */
  async #ownedLane(connectorId: string, withWork: number): Promise<ConnectorLane | undefined> {
    const ownership = await this.#ownership.acquire(connectorId, withWork);
    if (ownership === 'elsewhere') return undefined;
    if (ownership === 'taken') {
      await this.#dropLane(connectorId);
      await this.options.queue.adopt?.(connectorId);
      this.options.logger.info({ connectorId }, 'delivering the connector');
    }
    const lane = await this.#lane(connectorId);
    const reloadEveryMs = this.options.reloadEveryMs;
    if (lane && reloadEveryMs !== undefined) {
      const loadedAt = this.#loadedAt.get(connectorId) ?? 0;
      if (this.#now() - loadedAt >= reloadEveryMs) {
        this.#loadedAt.set(connectorId, this.#now());
        await lane.reload();
      }
    }
    if (lane?.deleted && lane.inFlight === 0) {
      // Without its lane, `#lane` drops the deleted connector's activations and lease.
      await this.#dropLane(connectorId);

      return this.#lane(connectorId);
    }

    return lane;
  }

  /** Hands connectors over when this process has more than its share. */
  async #handOverSurplus(withWork: number): Promise<void> {
    let surplus = this.#ownership.surplus(withWork);
    // A lane already handing over is released once its batches are recorded, whatever the share is now.
    for (const lane of [...this.#lanes.values()].filter((candidate) => candidate.handingOver)) {
      surplus -= 1;
      if (lane.inFlight === 0) await this.#release(lane.connectorId);
    }
    // Idle lanes go at once; a busy one stops claiming first.
    const others = [...this.#lanes.values()]
      .filter((lane) => !lane.handingOver)
      .sort((a, b) => a.inFlight - b.inFlight);
    for (const lane of others) {
      if (surplus <= 0) return;
      surplus -= 1;
      if (lane.inFlight > 0) lane.handOver();
      else await this.#release(lane.connectorId);
    }
  }

  async #release(connectorId: string): Promise<void> {
    await this.#dropLane(connectorId);
    await this.#ownership.release(connectorId);
    this.options.logger.info({ connectorId }, 'connector handed over to another process');
  }

  async #dropLane(connectorId: string): Promise<void> {
    this.#lanes.delete(connectorId);
    this.#loadedAt.delete(connectorId);
    await this.options.queue.abandon?.(connectorId);
  }

  async #lane(connectorId: string): Promise<ConnectorLane | undefined> {
    const existing = this.#lanes.get(connectorId);
    if (existing) return existing;
    const row = await this.options.connectors.findById(connectorId);
    if (!row) {
      const dropped = await this.options.store.db
        .transaction()
        .execute((trx) => this.options.queue.discardWaiting(connectorId, trx));
      await this.options.queue.forget?.(connectorId);
      // A lease kept on a deleted connector would count against this process's share for good.
      await this.#ownership.release(connectorId);
      this.options.logger.warn(
        { connectorId, dropped },
        'activations of a deleted connector dropped',
      );

      return undefined;
    }
    const type = this.options.catalog.get(row.type);
    if (!type) return undefined;
    const lane = new ConnectorLane(row, type, {
      ...this.options,
      lingerMs: this.options.lingerMs ?? DEFAULT_LINGER_MS,
      circuitBreaker: this.options.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER,
      now: this.#now,
      recheckBeforeSend: this.options.reloadEveryMs !== undefined,
      recordDeactivated: (batch) => this.#recordDeactivated(batch),
      onIdle: () => this.wake(),
    });
    this.#lanes.set(connectorId, lane);

    return lane;
  }

  /** Counts a claimed batch of a deactivated connector as `deactivated` skips. */
  async #recordDeactivated(batch: ClaimedBatch): Promise<void> {
    const counts = new DeliveryCounts().add(
      metricNames.skipped('deactivated'),
      batch.activations.length,
    );
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.queue.settle(
        batch,
        batch.activations.map((activation) => ({ key: activation.key, action: 'done' as const })),
        trx,
      );
      await this.options.statistics.increment(
        trx,
        batch.connectorId,
        new Date(this.#now()),
        counts,
      );
    });
    await this.options.queue.settled?.(batch);
    this.options.observer?.outcomesRecorded(batch.connectorId, counts, [], this.#now());
  }
}
