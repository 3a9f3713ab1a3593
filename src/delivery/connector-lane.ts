import type { AnyConnectorType } from '../connectors/catalog.js';
import type { BatchProfile, BatchResult, ProfileOutcome } from '../connectors/connector-type.js';
import type {
  ConnectorContextFactory,
  ConnectorRuntime,
} from '../connectors/runtime/connector-context-factory.js';
import type { Logger } from '../log/logger.js';
import type { ConnectorRepository, ConnectorRow } from '../store/connector-repository.js';
import { sendBisecting } from './bisecting-sender.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { DeliveryStoppedError } from './delivery-stopped-error.js';
import type { DeliveryObserver } from './delivery-observer.js';
import { type DeliveryLedger, staleIdentifiers } from './delivery-ledger.js';
import type { FailureGroup } from './failure-groups.js';
import type { OutcomeRecorder } from './outcome-recorder.js';
import type { ActivationQueue, ClaimedBatch } from './queue/activation-queue.js';
import { TokenBucket } from './rate-limiter.js';
import { FIRST_CONFIRMATION_CHECK_MS, type PendingConfirmations } from './pending-confirmations.js';
import type { Store } from '../store/store.js';
import { type PartnerExchange, recordExchanges } from './recording-http-client.js';
import type { PartnerHttpClient } from '../net/partner-http-client.js';
import type { DeliveryLimits } from '../connectors/common-settings.js';

export interface ConnectorLaneOptions {
  store: Store;
  queue: ActivationQueue;
  connectors: ConnectorRepository;
  contexts: ConnectorContextFactory;
  ledger: DeliveryLedger;
  recorder: OutcomeRecorder;
  confirmations: PendingConfirmations;
  logger: Logger;
  lingerMs: number;
  circuitBreaker: CircuitBreakerOptions;
  /** Re-read the connector before each batch: other processes may deactivate it. */
  recheckBeforeSend?: boolean;
  observer?: DeliveryObserver;
  now: () => number;
  /** Records a batch that was not sent because the connector was deactivated. */
  recordDeactivated(batch: ClaimedBatch): Promise<void>;
  /** Called when a batch finishes, so the engine can claim the next one. */
  onIdle(): void;
}

/** Splits off the profiles whose consent does not allow an add; they are skipped as `no_consent`. */
function withConsent(profiles: BatchProfile[], batch: ClaimedBatch, type: AnyConnectorType) {
  if (batch.operation !== 'add') return { profiles, withoutConsent: [] };
  const allowed: BatchProfile[] = [];
  const withoutConsent: ProfileOutcome[] = [];
  for (const profile of profiles) {
    const states = type.consent.purposes.map((purpose) => profile.consents?.[purpose] ?? 'unknown');
    const refused = states.some(
      (state) => state === 'denied' || (state === 'unknown' && !type.consent.unknownAllowed),
    );
    if (refused) withoutConsent.push({ key: profile.key, status: 'skipped', reason: 'no_consent' });
    else allowed.push(profile);
  }

  return { profiles: allowed, withoutConsent };
}

/**
 * Logs one warning per group of failed activations: retries and final failures. Activations
 * paused for invalid credentials are left to the pause warning.
 */
function logFailures(log: Logger, batch: ClaimedBatch, failures: readonly FailureGroup[]) {
  for (const failure of failures) {
    if (failure.next === 'paused') continue;
    log.warn(
      {
        destinationKey: batch.destinationKey,
        operation: batch.operation,
        attempt: failure.attempt,
        category: failure.category,
        partnerCode: failure.partnerCode,
        httpStatus: failure.httpStatus,
        activations: failure.activations,
      },
      failure.next === 'retry'
        ? 'delivery attempt failed; retrying later'
        : 'delivery failed for good; no attempt is left',
    );
  }
}

/** Batches of a deactivated connector counted as skipped per pump of its lane. */
const SKIPPED_BATCHES_PER_PUMP = 1;

/** Confirmations checked per pump of a lane. */
const CONFIRMATIONS_PER_PUMP = 10;

function unconfirmedOutcomes(batch: ClaimedBatch): ProfileOutcome[] {
  return batch.activations.map((activation) => ({
    key: activation.key,
    status: 'error',
    category: 'other',
    retryable: true,
    partnerMessage: 'The partner never confirmed the request within the retry window.',
  }));
}

/**
 * Deliveries of one connector: its own rate limiter, concurrency limit and circuit breaker, so
 * a slow or failing partner account never holds up another connector.
 */
export class ConnectorLane {
  #row: ConnectorRow;
  #stopped = false;
  #deleted = false;
  #inFlight = 0;
  #pumping = false;
  #handingOver = false;
  readonly #bucket: TokenBucket;
  readonly #breaker: CircuitBreaker;

  constructor(
    row: ConnectorRow,
    private readonly type: AnyConnectorType,
    private readonly options: ConnectorLaneOptions,
  ) {
    this.#row = row;
    const limits = this.#limits();
    this.#bucket = new TokenBucket(
      limits.maxRequestsPerSecond,
      Math.max(1, limits.maxConcurrentRequests),
      options.now,
    );
    this.#breaker = new CircuitBreaker(options.circuitBreaker, options.now);
  }

  get connectorId(): string {
    return this.#row.id;
  }

  /** True once a reload found the connector deleted. */
  get deleted(): boolean {
    return this.#deleted;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get circuitOpen(): boolean {
    return this.#breaker.isOpen;
  }

  /** Claims no new batch, so the connector can go to another process once in-flight ones end. */
  handOver(): void {
    this.#handingOver = true;
  }

  get handingOver(): boolean {
    return this.#handingOver;
  }

  /** Stops new partner requests at once; in-flight requests finish. */
  stop(): void {
    this.#stopped = true;
  }

  /** Re-reads the connector after a change; resumes a paused connector whose health is ok. */
  async reload(): Promise<void> {
    const row = await this.options.connectors.findById(this.#row.id);
    if (!row) {
      this.#stopped = true;
      this.#deleted = true;

      return;
    }
    if (row.health === 'ok' && row.paused_at !== null) {
      const pausedMs = this.options.now() - row.paused_at;
      await this.options.queue.shiftAge(row.id, pausedMs);
      await this.options.connectors.update(row.id, { paused_at: null });
      row.paused_at = null;
      this.options.logger.info({ connectorId: row.id, pausedMs }, 'connector deliveries resumed');
    }
    this.#row = row;
    this.#stopped = row.status !== 'active';
    this.#bucket.setRate(this.#limits().maxRequestsPerSecond);
  }

  /** Claims and starts batches while limits allow. */
  async pump(): Promise<void> {
    if (this.#pumping || this.#handingOver) return;
    this.#pumping = true;
    try {
      if (this.#stopped || this.#row.status !== 'active') {
        await this.#skipWaiting();

        return;
      }
      if (this.#maySend() && this.type.checkConfirmation) await this.#checkConfirmations();
      while (this.#maySend() && this.#inFlight < this.#limits().maxConcurrentRequests) {
        if (!this.#breaker.canAttempt() || this.#bucket.waitMs() > 0) break;
        const batch = await this.options.queue.claim({
          connectorId: this.#row.id,
          maxBatchSize: this.type.defaults.maxBatchSize,
          lingerMs: this.options.lingerMs,
          now: this.options.now(),
        });
        if (!batch) break;
        this.#bucket.tryTake();
        this.#breaker.tryAcquire();
        this.#inFlight += 1;
        this.options.observer?.batchStarted(batch, this.type.id, this.options.now());
        void this.#run(batch)
          .catch((error: unknown) => {
            // Recording failed twice (a full disk, a lost store): the batch stays claimed and
            // goes back to the queue when the connector is next taken over or the process starts.
            this.options.logger.error(
              { err: error, connectorId: batch.connectorId, batchId: batch.batchId },
              'batch outcome could not be recorded; it returns to the queue at the next start',
            );
          })
          .finally(() => {
            this.#inFlight -= 1;
            this.options.observer?.batchFinished(batch);
            this.options.onIdle();
          });
      }
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * Asks the partner about batches it accepted for later processing and records the final
   * outcomes. A confirmation that never comes within the retry window is retried as `other`.
   */
  async #checkConfirmations(): Promise<void> {
    const now = this.options.now();
    const due = await this.options.confirmations.due(this.#row.id, now, CONFIRMATIONS_PER_PUMP);
    for (const pending of due) {
      const batch = await this.options.queue.heldBatch(pending.batch_id);
      if (!batch) {
        await this.options.confirmations.resolve(this.options.store.db, pending.batch_id);
        continue;
      }
      const log = this.options.logger.child({
        connectorId: batch.connectorId,
        batchId: batch.batchId,
      });
      const limits = this.#limits();
      try {
        const { context } = this.options.contexts.create(this.#row, this.type, (http) =>
          this.#guard(http),
        );
        const status = await this.type.checkConfirmation!(context, pending.confirmation, {
          operation: batch.operation,
          destination: batch.destination,
          profiles: batch.activations.map((activation) => ({
            key: activation.key,
            ...activation.profile,
          })),
        });
        if (status.done) {
          await this.#recordResult(batch, status.result, undefined, limits, log, now, [], true);
          continue;
        }
        const expired = now - Number(pending.created_at) > limits.maxRetryAgeHours * 3_600_000;
        if (expired) {
          const outcomes = unconfirmedOutcomes(batch);
          await this.#recordResult(batch, { outcomes }, undefined, limits, log, now, [], true);
          continue;
        }
        const waitMs = Math.max(
          FIRST_CONFIRMATION_CHECK_MS,
          (status.retryAfterSeconds ?? 0) * 1000,
        );
        await this.options.confirmations.postpone(pending.batch_id, now + waitMs);
      } catch (error) {
        if (error instanceof DeliveryStoppedError) return;
        log.warn({ err: error }, 'confirmation check failed; asking again later');
        await this.options.confirmations.postpone(
          pending.batch_id,
          now + FIRST_CONFIRMATION_CHECK_MS,
        );
      }
    }
  }

  /** Activations enqueued for a deactivated connector are counted as skips, never sent. */
  async #skipWaiting(): Promise<void> {
    // A few batches per pump, so a large backlog never holds up the engine's other lanes.
    for (let skipped = 0; skipped < SKIPPED_BATCHES_PER_PUMP; skipped += 1) {
      const batch = await this.options.queue.claim({
        connectorId: this.#row.id,
        maxBatchSize: this.type.defaults.maxBatchSize,
        lingerMs: 0,
        now: this.options.now(),
      });
      if (!batch) return;
      // Another process may have activated the connector since the last reload and queued the
      // resync, so the batch is put back instead of skipped once the connector is active.
      if (this.options.recheckBeforeSend) await this.reload();
      if (!this.#stopped && this.#row.status === 'active') {
        await this.options.recorder.release(batch);

        return;
      }
      await this.options.recordDeactivated(batch);
    }
    this.options.onIdle();
  }

  #maySend(): boolean {
    return !this.#stopped && this.#row.status === 'active' && this.#row.health === 'ok';
  }

  #limits() {
    return this.options.contexts.limits(this.#row, this.type);
  }

  async #run(batch: ClaimedBatch): Promise<void> {
    const started = this.options.now();
    const log = this.options.logger.child({
      connectorId: batch.connectorId,
      batchId: batch.batchId,
    });
    try {
      if (this.options.recheckBeforeSend) await this.reload();
      if (!this.#maySend()) {
        await this.#releaseOrDiscard(batch);

        return;
      }
      // One recorder for every client of the batch, so the error sample shows the last request
      // whichever origin it went to.
      const recorder = recordExchanges();
      const runtime = this.options.contexts.create(this.#row, this.type, (http) =>
        recorder.wrap(this.#guard(http)),
      );
      const prepared = await this.#profilesToSend(batch, runtime.context, log);
      const { profiles, withoutConsent } = withConsent(prepared.profiles, batch, this.type);
      const result: BatchResult =
        profiles.length > 0
          ? await sendBisecting(this.type, runtime.context, {
              operation: batch.operation,
              destination: batch.destination,
              profiles,
            })
          : { outcomes: [] };
      result.outcomes.push(...withoutConsent);
      await this.#recordResult(
        batch,
        result,
        recorder.last(),
        runtime.limits,
        log,
        started,
        prepared.alreadyHeld,
      );
    } catch (error) {
      if (error instanceof DeliveryStoppedError) {
        await this.options.recordDeactivated(batch);

        return;
      }
      log.error({ err: error }, 'batch failed unexpectedly; it will be retried');
      const outcomes = batch.activations.map((activation) => ({
        key: activation.key,
        status: 'error' as const,
        category: 'other' as const,
        retryable: true,
        partnerMessage: error instanceof Error ? error.message : String(error),
      }));
      await this.#recordResult(batch, { outcomes }, undefined, this.#limits(), log, started);
    }
  }

  async #recordResult(
    batch: ClaimedBatch,
    result: BatchResult,
    exchange: PartnerExchange | undefined,
    limits: DeliveryLimits,
    log: Logger,
    started: number,
    alreadyHeld: string[] = [],
    resolvesConfirmation = false,
  ) {
    const recorded = await this.options.recorder.record({
      batch,
      type: this.type,
      limits,
      result,
      exchange,
      now: this.options.now(),
      alreadyHeld,
      resolvesConfirmation,
    });
    if (recorded.requestFailed) this.#breaker.recordFailure();
    else this.#breaker.recordSuccess();
    this.options.observer?.outcomesRecorded(
      batch.connectorId,
      recorded.counts,
      recorded.failures,
      this.options.now(),
    );
    logFailures(log, batch, recorded.failures);
    log.debug(
      {
        operation: batch.operation,
        size: batch.activations.length,
        durationMs: this.options.now() - started,
        counts: Object.fromEntries(recorded.counts.entries()),
      },
      'batch recorded',
    );
    if (recorded.credentialsRejected) await this.#pause(log);
  }

  /** A batch claimed just before a deactivation or pause: skip it or put it back. */
  async #releaseOrDiscard(batch: ClaimedBatch) {
    if (this.#stopped || this.#row.status !== 'active') {
      await this.options.recordDeactivated(batch);

      return;
    }
    await this.options.recorder.release(batch);
  }

  async #pause(log: Logger) {
    const now = this.options.now();
    if (this.#row.health !== 'credentials_invalid') {
      await this.options.connectors.update(this.#row.id, {
        health: 'credentials_invalid',
        paused_at: now,
      });
      this.#row = { ...this.#row, health: 'credentials_invalid', paused_at: now };
      log.warn('connector paused: the partner rejected its credentials');
    }
  }

  /** Wraps the partner HTTP client so no request starts once the connector is stopped. */
  #guard(inner: PartnerHttpClient): PartnerHttpClient {
    return {
      send: (request) => {
        if (this.#stopped) return Promise.reject(new DeliveryStoppedError(this.#row.id));

        return inner.send(request);
      },
    };
  }

  /**
   * Reads the ledger for the batch. A removal sends the identifiers the partner accepted. An
   * add whose identifiers the partner already has is not sent again, and an add whose
   * identifiers changed first has the old ones removed.
   */
  async #profilesToSend(
    batch: ClaimedBatch,
    context: ConnectorRuntime['context'],
    log: Logger,
  ): Promise<{ profiles: BatchProfile[]; alreadyHeld: string[] }> {
    const held = await this.options.ledger.find(
      batch.connectorId,
      batch.destinationKey,
      batch.activations.map((activation) => activation.profileId),
    );
    const profiles = batch.activations.map((activation) => ({
      key: activation.key,
      ...activation.profile,
    }));
    if (batch.operation === 'remove') {
      const withHeld = profiles.map((profile) => {
        const identifiers = held.get(profile.key);

        return identifiers ? { ...profile, identifiers } : profile;
      });

      return { profiles: withHeld, alreadyHeld: [] };
    }
    const alreadyHeld: string[] = [];
    const toSend: BatchProfile[] = [];
    const stale: BatchProfile[] = [];
    for (const profile of profiles) {
      const previous = held.get(profile.key);
      const gone = previous && staleIdentifiers(previous, profile.identifiers);
      if (previous && !gone && !staleIdentifiers(profile.identifiers, previous)) {
        alreadyHeld.push(profile.key);
        continue;
      }
      if (gone) stale.push({ key: profile.key, identifiers: gone });
      toSend.push(profile);
    }
    await this.#removeStale(batch, stale, context, log);

    return { profiles: toSend, alreadyHeld };
  }

  /**
   * Before an add, removes identifiers the partner has that the profile no longer has, so an
   * email change leaves no stale match behind.
   */
  async #removeStale(
    batch: ClaimedBatch,
    stale: BatchProfile[],
    context: ConnectorRuntime['context'],
    log: Logger,
  ) {
    if (stale.length === 0) return;
    // NOTE: a failed removal of old identifiers is logged, not retried; the add still goes out.
    const result = await this.type.sendBatch(context, {
      operation: 'remove',
      destination: batch.destination,
      profiles: stale,
    });
    const failed = result.outcomes.filter((outcome) => outcome.status === 'error').length;
    if (failed > 0) {
      log.warn(
        { destinationKey: batch.destinationKey, profiles: stale.length, failed },
        'removing stale identifiers before an add failed; the add goes out anyway',
      );
    } else {
      log.info({ profiles: stale.length }, 'stale identifiers removed before add');
    }
  }
}
