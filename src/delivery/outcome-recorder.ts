import { type Kysely, sql, type Transaction } from 'kysely';
import type { AnyConnectorType } from '../connectors/catalog.js';
import type { DeliveryLimits } from '../connectors/common-settings.js';
import type {
  BatchResult,
  ErrorCategory,
  ErrorExplanation,
  ProfileOutcome,
} from '../connectors/connector-type.js';
import { parseJsonBody } from '../net/parse-json-body.js';
import { DeliveryCounts, metricNames } from '../statistics/delivery-counts.js';
import type { ErrorSampleRepository } from '../statistics/error-sample-repository.js';
import { describeBodyShape } from '../statistics/body-shape.js';
import { redactSample, redactText } from '../statistics/redact.js';
import type { StatisticsRepository } from '../statistics/statistics-repository.js';
import type { Database } from '../store/schema.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { type FailureGroup, FailureGroups } from './failure-groups.js';
import type { ActivationQueue, ClaimedBatch, Settlement } from './queue/activation-queue.js';
import type { PartnerExchange } from './recording-http-client.js';
import { FIRST_CONFIRMATION_CHECK_MS, type PendingConfirmations } from './pending-confirmations.js';
import { mayRetry, nextRetryDelayMs, type RetryPolicyOptions } from './retry-policy.js';

type ErrorOutcome = Extract<ProfileOutcome, { status: 'error' }>;

/** Result of recording a batch, for the lane. */
export interface RecordedBatch {
  /** The partner refused the credentials: the connector pauses. */
  credentialsRejected: boolean;
  /** Every sent profile failed with a retryable request-level error (timeout, 5xx, reset). */
  requestFailed: boolean;
  counts: DeliveryCounts;
  /** The failed activations, grouped by cause and by whether they are retried. */
  failures: FailureGroup[];
}

export interface OutcomeRecorderOptions {
  db: Kysely<Database>;
  queue: ActivationQueue;
  ledger: DeliveryLedger;
  statistics: StatisticsRepository;
  samples: ErrorSampleRepository;
  retryPolicy: RetryPolicyOptions;
  confirmations: PendingConfirmations;
  random?: () => number;
}

const GENERIC_EXPLANATIONS: Record<ErrorCategory, ErrorExplanation> = {
  invalid_credentials: {
    summary: 'The partner refused the credentials.',
    fix: 'Enter new credentials with PATCH or run the credential test; deliveries resume then.',
  },
  timeout: {
    summary: 'The partner did not answer within the request timeout.',
    fix: 'Retried automatically; raise settings.timeoutMs if the partner is slow all the time.',
  },
  partner_error: {
    summary: 'The partner rejected the request with its own error code.',
    fix: "Look the code up in the partner's documentation.",
  },
  other: {
    summary:
      'The request failed without a partner error code (HTTP 5xx or 429, reset, or bad body).',
    fix: 'Retried automatically; check the partner status page if it persists.',
  },
};

/**
 * Turns one attempt's outcomes into queue settlements, ledger changes, statistics and an error
 * sample, all in one transaction, so counts never drift from what the queue and ledger hold.
 */
export class OutcomeRecorder {
  constructor(private readonly options: OutcomeRecorderOptions) {}

  async record(input: {
    batch: ClaimedBatch;
    type: AnyConnectorType;
    limits: DeliveryLimits;
    result: BatchResult;
    exchange: PartnerExchange | undefined;
    now: number;
    /** Keys not sent because the partner already has these identifiers; not counted. */
    alreadyHeld?: string[];
    /** True when this result is the partner's final status of a held batch. */
    resolvesConfirmation?: boolean;
  }): Promise<RecordedBatch> {
    const { batch, result, now } = input;
    const outcomes = new Map(result.outcomes.map((outcome) => [outcome.key, outcome]));
    const alreadyHeld = new Set(input.alreadyHeld);
    let confirmation: string | undefined;
    const counts = new DeliveryCounts();
    const settlements: Settlement[] = [];
    const accepted: { profileId: string; identifiers: Record<string, string[] | undefined> }[] = [];
    const removed: string[] = [];
    const errors: ErrorOutcome[] = [];
    const failures = new FailureGroups();

    for (const activation of batch.activations) {
      if (alreadyHeld.has(activation.key)) {
        settlements.push({ key: activation.key, action: 'done' });
        continue;
      }
      const outcome: ProfileOutcome = outcomes.get(activation.key) ?? {
        key: activation.key,
        status: 'error',
        category: 'other',
        retryable: true,
        partnerMessage: 'The connector type reported no outcome for this profile.',
      };
      if (outcome.status === 'pending') {
        settlements.push({ key: activation.key, action: 'hold' });
        confirmation = outcome.confirmation;
        continue;
      }
      if (outcome.status === 'error') {
        errors.push(outcome);
        counts.add(errorMetric(outcome));
        const settlement = this.#settleError(activation, outcome, input.limits, now, counts);
        settlements.push(settlement);
        failures.add(outcome, settlement, activation.attempts + 1);
        continue;
      }
      settlements.push({ key: activation.key, action: 'done' });
      if (outcome.status === 'skipped') {
        counts.add(metricNames.skipped(outcome.reason));
      } else if (outcome.status === 'added') {
        counts.add(metricNames.added);
        accepted.push({
          profileId: activation.profileId,
          identifiers: activation.profile.identifiers,
        });
      } else {
        counts.add(metricNames.removed);
        removed.push(activation.profileId);
      }
    }
    counts.add(metricNames.partner('invalid_entries'), result.invalidEntries ?? 0);

    await this.options.db.transaction().execute(async (trx) => {
      await this.options.queue.settle(batch, settlements, trx);
      if (input.resolvesConfirmation) await this.options.confirmations.resolve(trx, batch.batchId);
      if (confirmation !== undefined) {
        await this.options.confirmations.hold(trx, {
          batch_id: batch.batchId,
          connector_id: batch.connectorId,
          confirmation,
          next_check_at: now + FIRST_CONFIRMATION_CHECK_MS,
          created_at: now,
        });
      }
      const at = new Date(now).toISOString();
      if (accepted.length > 0) {
        await this.options.ledger.record(
          trx,
          batch.connectorId,
          batch.destinationKey,
          accepted,
          at,
          batch.destination,
        );
      }
      if (removed.length > 0) {
        await this.options.ledger.forget(trx, batch.connectorId, batch.destinationKey, removed);
      }
      if (accepted.length > 0 || removed.length > 0) {
        await this.#countAtDestination(trx, batch, accepted.length, removed.length);
      }
      if (!counts.isEmpty) {
        await this.options.statistics.increment(trx, batch.connectorId, new Date(now), counts);
      }
      if (errors[0]) await this.#appendSample(trx, input, errors[0]);
    });
    await this.options.queue.settled?.(batch);

    const sent = result.outcomes.filter(
      (outcome) => outcome.status !== 'skipped' && outcome.status !== 'pending',
    );

    return {
      credentialsRejected: errors.some((error) => error.category === 'invalid_credentials'),
      requestFailed:
        sent.length > 0 &&
        errors.length === sent.length &&
        errors.every(
          (error) =>
            error.retryable && (error.category === 'timeout' || error.category === 'other'),
        ),
      counts,
      failures: failures.list(),
    };
  }

  async #countAtDestination(
    trx: Transaction<Database>,
    batch: ClaimedBatch,
    added: number,
    removed: number,
  ) {
    await trx
      .insertInto('destination_counts')
      .values({
        connector_id: batch.connectorId,
        destination_key: batch.destinationKey,
        added,
        removed,
      })
      .onConflict((conflict) =>
        conflict.columns(['connector_id', 'destination_key']).doUpdateSet({
          added: sql<number>`destination_counts.added + ${added}`,
          removed: sql<number>`destination_counts.removed + ${removed}`,
        }),
      )
      .execute();
  }

  /** Puts a claimed batch back without counting an attempt (the connector paused meanwhile). */
  async release(batch: ClaimedBatch): Promise<void> {
    const settlements = batch.activations.map((activation): Settlement => ({
      key: activation.key,
      action: 'release',
    }));
    await this.options.db
      .transaction()
      .execute((trx) => this.options.queue.settle(batch, settlements, trx));
    await this.options.queue.settled?.(batch);
  }

  #settleError(
    activation: ClaimedBatch['activations'][number],
    outcome: ErrorOutcome,
    limits: DeliveryLimits,
    now: number,
    counts: DeliveryCounts,
  ): Settlement {
    // Invalid credentials pause the connector: the activation waits without using an attempt.
    if (outcome.category === 'invalid_credentials')
      return { key: activation.key, action: 'release' };
    const attemptsMade = activation.attempts + 1;
    const delay = nextRetryDelayMs(
      attemptsMade,
      outcome.retryAfterSeconds,
      this.options.retryPolicy,
      this.options.random,
    );
    const retry =
      outcome.retryable &&
      mayRetry({
        attemptsMade,
        maxAttempts: limits.maxAttempts,
        enqueuedAt: activation.enqueuedAt,
        nextAttemptAt: now + delay,
        maxRetryAgeHours: limits.maxRetryAgeHours,
      });
    if (!retry) {
      counts.add(metricNames.failed);

      return { key: activation.key, action: 'done' };
    }
    const lastError = JSON.stringify({
      category: outcome.category,
      partnerCode: outcome.partnerCode,
      httpStatus: outcome.httpStatus,
    });

    return { key: activation.key, action: 'retry', nextAttemptAt: now + delay, lastError };
  }

  async #appendSample(
    trx: Transaction<Database>,
    input: Parameters<OutcomeRecorder['record']>[0],
    error: ErrorOutcome,
  ) {
    const explained =
      (error.partnerCode && input.type.explainError?.(error.partnerCode)) ||
      GENERIC_EXPLANATIONS[error.category];
    const exchange = input.exchange;
    const responseBody = exchange?.response?.body ?? '';

    await this.options.samples.append(trx, {
      connectorId: input.batch.connectorId,
      at: new Date(input.now),
      category: error.category,
      httpStatus: error.httpStatus,
      partnerCode: error.partnerCode,
      partnerMessage: error.partnerMessage ? redactText(error.partnerMessage) : undefined,
      batchSize: input.batch.activations.length,
      summary: explained.summary,
      fix: explained.fix,
      // The request body carries identifiers and sometimes the credential (SOAP, SAS), so
      // only its shape is kept.
      request: {
        method: exchange?.request.method,
        path: exchange?.request.path ? redactText(exchange.request.path) : undefined,
        body: describeBodyShape(exchange?.request.body),
      },
      response: exchange?.error
        ? redactText(exchange.error)
        : redactSample(parseJsonBody(responseBody) ?? responseBody.slice(0, 2000)),
    });
  }
}

function errorMetric(outcome: ErrorOutcome): string {
  if (outcome.category === 'partner_error')
    return metricNames.partner(outcome.partnerCode ?? 'unknown');

  return metricNames.error(outcome.category);
}
