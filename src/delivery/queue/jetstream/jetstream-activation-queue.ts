import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from '../../../log/logger.js';
import type { Database } from '../../../store/schema.js';
import type {
  ActivationQueue,
  ActivationRequest,
  ClaimedActivation,
  ClaimedBatch,
  ClaimOptions,
  Settlement,
} from '../activation-queue.js';
import { BoundedPull } from './bounded-pull.js';
import { ConnectorStage, type StagedMessage } from './connector-stage.js';
import { ensureActivationStream, type StreamNames } from './activation-stream.js';
import {
  connectorToken,
  decodeItem,
  encodeItem,
  type QueuedItem,
  subjectFor,
} from './queued-item.js';
import { HeldActivations } from './held-activations.js';
import { type AgeShift, QueueGauges } from './queue-gauges.js';
import { QueueReceipts } from './queue-receipts.js';

export interface JetStreamQueueOptions {
  connection: NatsConnection;
  db: Kysely<Database>;
  logger: Logger;
  names?: Partial<StreamNames>;
  /**
   * Maximum messages one process keeps per connector, waiting or in claimed batches. It pulls
   * no more until some settle. Default 50,000.
   */
  stageLimit?: number;
  /** A delivered message not acknowledged within this time is delivered again. Default 10 min. */
  ackWaitMs?: number;
  now?: () => number;
}

const PUBLISH_WINDOW = 1_000;
/** A retry due later than this is handed back to the server with a delay instead of held. */
const HOLD_RETRY_WITHIN_MS = 1_000;
const CONSUMER_LIST_TTL_MS = 250;
const RECEIPT_RETENTION_MS = 7 * 24 * 3_600_000;
/**
 * Maximum messages the server delivers to a connector's consumer without an acknowledgement.
 * A retry handed back with a delay (`nak`) counts against it until it comes due. With a value
 * near the stage limit, retries waiting for their backoff would fill it, and new activations,
 * even for other destinations, would wait behind them. Process memory is bounded by
 * `stageLimit` through the size of each pull request instead.
 * NOTE: once delayed retries and the messages in the process reach this count, the server
 * delivers nothing new to the connector until some retries come due.
 */
const MAX_ACK_PENDING = 1_000_000;

type AfterCommit = () => Promise<void>;

/** A connector this process delivers: its pull loop and the messages it keeps. */
interface Adopted {
  stage: ConnectorStage;
  pull: BoundedPull;
  ageShifts: AgeShift[];
  /**
   * Subjects whose latest message is a retry.
   * NOTE: one entry per key waiting for a retry, roughly 100 bytes each (estimated from a heap
   * snapshot), so this set grows with a backlog of retries and `stageLimit` does not bound it.
   */
  retrying: Set<string>;
  /** The retry count last written for the other processes. */
  publishedRetrying: number;
}

/**
 * The activation queue on NATS JetStream. One stream keeps one message per key (connector,
 * destination, profile): a newer desired state replaces the waiting one. Each connector has
 * its own durable pull consumer, and only the process holding the connector's lease pulls
 * from it, so per-connector limits hold across processes and one slow partner never holds up
 * another connector's consumer. Outcomes are recorded in the store first, and messages are
 * acknowledged afterwards (`settled`). A receipt recorded with each outcome keeps a message that
 * is delivered again after a crash from being sent twice.
 */
export class JetStreamActivationQueue implements ActivationQueue {
  readonly #adopted = new Map<string, Adopted>();
  readonly #ensuredConsumers = new Set<string>();
  readonly #afterCommit = new Map<string, AfterCommit[]>();
  /** Batches still in flight when their connector went to another process. */
  readonly #retired = new Map<string, StagedMessage[]>();
  readonly #now: () => number;
  #consumerList: { at: number; ids: string[] } | undefined;
  #pruning: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: JetStreamQueueOptions,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly names: StreamNames,
    private readonly receipts: QueueReceipts,
    private readonly held: HeldActivations,
    private readonly gauges: QueueGauges,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** Creates the stream when missing (safe when several processes start at once). */
  static async open(options: JetStreamQueueOptions): Promise<JetStreamActivationQueue> {
    const jsm = await jetstreamManager(options.connection);
    const { names, epoch } = await ensureActivationStream(jsm, options.names);

    return new JetStreamActivationQueue(
      options,
      jetstream(options.connection),
      jsm,
      names,
      new QueueReceipts(options.db, epoch),
      new HeldActivations(options.db),
      new QueueGauges(options.db),
    );
  }

  async enqueue(requests: ActivationRequest[], now: number): Promise<void> {
    for (const connectorId of new Set(requests.map((request) => request.connectorId))) {
      await this.#ensureConsumer(connectorId);
    }
    for (let start = 0; start < requests.length; start += PUBLISH_WINDOW) {
      // Publishes on one connection reach the server in call order, so the last state wins.
      await Promise.all(
        requests
          .slice(start, start + PUBLISH_WINDOW)
          .map((request) =>
            this.js.publish(
              subjectFor(this.names.subjectPrefix, request),
              encodeItem({ request, attempts: 0, enqueuedAt: now, nextAttemptAt: now }),
            ),
          ),
      );
    }
  }

  async adopt(connectorId: string): Promise<void> {
    await this.abandon(connectorId);
    const name = this.#consumerName(connectorId);
    // A new consumer delivers every message still in the stream, including those a previous
    // holder received and never acknowledged.
    await this.jsm.consumers.delete(this.names.stream, name).catch(ignoreNotFound);
    this.#ensuredConsumers.delete(connectorId);
    await this.#ensureConsumer(connectorId);
    const stage = new ConnectorStage();
    for (const row of await this.held.subjectsOf(connectorId)) {
      stage.flying.set(row.subject, row.batch_id);
    }
    const consumer = await this.js.consumers.get(this.names.stream, name);
    const adopted: Adopted = {
      stage,
      pull: new BoundedPull({
        consumer,
        connectorId,
        limit: this.options.stageLimit ?? 50_000,
        heldCount: () => stage.messageCount,
        onMessage: (message) => {
          stage.received += 1;
          this.#arrive(adopted, message);
        },
        onStopped: (error) => {
          this.options.logger.error({ err: error, connectorId }, 'activation consumer stopped');
          if (this.#adopted.get(connectorId) === adopted) this.#adopted.delete(connectorId);
        },
        isConnectionClosed: () => this.options.connection.isClosed(),
        logger: this.options.logger,
      }),
      ageShifts: await this.gauges.ageShifts(connectorId),
      retrying: new Set(),
      publishedRetrying: -1,
    };
    this.#adopted.set(connectorId, adopted);
    adopted.pull.start();
  }

  async abandon(connectorId: string): Promise<void> {
    const adopted = this.#adopted.get(connectorId);
    if (!adopted) return;
    this.#adopted.delete(connectorId);
    await adopted.pull.stop();
    for (const [batchId, members] of adopted.stage.batches) this.#retired.set(batchId, members);
  }

  async forget(connectorId: string): Promise<void> {
    await this.abandon(connectorId);
    await this.jsm.streams.purge(this.names.stream, {
      filter: `${this.names.subjectPrefix}.${connectorToken(connectorId)}.>`,
    });
    await this.jsm.consumers
      .delete(this.names.stream, this.#consumerName(connectorId))
      .catch(ignoreNotFound);
    this.#ensuredConsumers.delete(connectorId);
    // The cached list would name the connector again at the next tick, which would drop its
    // (now empty) work a second time.
    if (this.#consumerList) {
      const ids = this.#consumerList.ids.filter((id) => id !== connectorId);
      this.#consumerList = { ...this.#consumerList, ids };
    }
  }

  #arrive(adopted: Adopted, message: JsMsg): void {
    const item = decodeItem(message.data);
    const staged: StagedMessage = { subject: message.subject, seq: message.seq, item, message };
    const waitMs = item.nextAttemptAt - this.#now();
    const current = adopted.stage.waiting.get(message.subject);
    // A retry counts as pending whichever process published it, so a takeover keeps the count.
    if (waitMs > HOLD_RETRY_WITHIN_MS && (!current || current.seq < message.seq)) {
      if (current) adopted.stage.drop(current);
      if (item.attempts > 0) adopted.retrying.add(message.subject);
      message.nak(waitMs);

      return;
    }
    if (item.attempts === 0) adopted.retrying.delete(message.subject);
    const arrival = adopted.stage.arrive(staged);
    if (arrival.kind === 'staged' && item.attempts > 0) adopted.retrying.add(message.subject);
    // A replaced or older message is gone from the stream; acknowledging it only tidies up.
    if (arrival.kind === 'stale') message.ack();
    if (arrival.kind === 'staged') arrival.superseded?.message?.ack();
  }

  async claim(options: ClaimOptions): Promise<ClaimedBatch | undefined> {
    const adopted = await this.#adoptedOrNew(options.connectorId);
    await this.#dropRecorded(adopted.stage);
    const batchId = randomUUID();
    const members = adopted.stage.take(options, batchId);
    if (!members) return undefined;

    return this.#toBatch(batchId, members, adopted.ageShifts);
  }

  async #adoptedOrNew(connectorId: string): Promise<Adopted> {
    if (!this.#adopted.has(connectorId)) await this.adopt(connectorId);

    return this.#adopted.get(connectorId)!;
  }

  /** Acknowledges messages whose outcome was recorded before a crash; they are not sent again. */
  async #dropRecorded(stage: ConnectorStage): Promise<void> {
    if (stage.unchecked.size === 0) return;
    const unchecked = stage.takeUnchecked();
    const recorded = await this.receipts.recorded(unchecked.map((staged) => staged.seq));
    for (const staged of unchecked) {
      if (!recorded.has(staged.seq)) continue;
      stage.drop(staged);
      staged.message?.ack();
    }
  }

  async heldBatch(batchId: string): Promise<ClaimedBatch | undefined> {
    const rows = await this.held.ofBatch(batchId);
    if (rows.length === 0) return undefined;
    const members = rows.map((row): StagedMessage => ({
      subject: row.subject,
      seq: 0,
      item: JSON.parse(row.item) as QueuedItem,
    }));
    const adopted = this.#adopted.get(rows[0]!.connector_id);

    return this.#toBatch(batchId, members, adopted?.ageShifts ?? []);
  }

  async settle(batch: ClaimedBatch, settlements: Settlement[], trx: Transaction<Database>) {
    const adopted = this.#adopted.get(batch.connectorId);
    const members =
      adopted?.stage.batches.get(batch.batchId) ??
      this.#retired.get(batch.batchId) ??
      (await this.#heldMembers(batch));
    const byKey = new Map(members.map((staged) => [staged.item.request.profileId, staged]));
    const recorded: number[] = [];
    const toHold: StagedMessage[] = [];
    const after: AfterCommit[] = [];
    for (const settlement of settlements) {
      const staged = byKey.get(settlement.key);
      if (!staged) continue;
      if (settlement.action === 'done' || settlement.action === 'hold') {
        if (staged.message) recorded.push(staged.seq);
        if (settlement.action === 'hold') toHold.push(staged);
        after.push(async () => this.#finish(batch, staged, settlement.action === 'hold'));
      } else {
        after.push(async () => this.#reschedule(batch, staged, settlement));
      }
    }
    await this.receipts.record(trx, recorded, this.#now());
    await this.held.remove(
      trx,
      batch.batchId,
      settlements.map((settlement) => settlement.key),
    );
    await this.held.add(trx, batch.batchId, batch.connectorId, toHold);
    this.#afterCommit.set(batch.batchId, after);
  }

  /**
   * Acknowledges or republishes the messages of a committed settlement. A NATS failure here is
   * logged, not thrown, because the outcome is already recorded and must not be recorded again.
   * An unacknowledged message comes back after the acknowledgement wait. The receipt of a done
   * or held one keeps it from being sent twice, and a retry comes back with its old attempt count.
   */
  async settled(batch: ClaimedBatch): Promise<void> {
    const after = this.#afterCommit.get(batch.batchId) ?? [];
    this.#afterCommit.delete(batch.batchId);
    this.#retired.delete(batch.batchId);
    const failures: unknown[] = [];
    for (const step of after) await step().catch((error: unknown) => failures.push(error));
    // The acknowledgements have reached the server once it replies to a ping.
    await this.options.connection.flush().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) {
      this.options.logger.warn(
        {
          err: failures[0],
          failures: failures.length,
          connectorId: batch.connectorId,
          batchId: batch.batchId,
        },
        'acknowledging a recorded batch failed; NATS delivers its messages again later',
      );
    }
    const adopted = this.#adopted.get(batch.connectorId);
    if (!adopted) return;
    // Held subjects stay in flight; their activations are read back from the store.
    adopted.stage.batches.delete(batch.batchId);
    if (adopted.retrying.size !== adopted.publishedRetrying) {
      adopted.publishedRetrying = adopted.retrying.size;
      await this.gauges.writePendingRetry(batch.connectorId, adopted.retrying.size, this.#now());
    }
  }

  async #heldMembers(batch: ClaimedBatch): Promise<StagedMessage[]> {
    const rows = await this.held.ofBatch(batch.batchId);

    return rows.map((row) => ({
      subject: row.subject,
      seq: 0,
      item: JSON.parse(row.item) as QueuedItem,
    }));
  }

  /** Done or held: the message is acknowledged; a held subject stays in flight. */
  #finish(batch: ClaimedBatch, staged: StagedMessage, hold: boolean): Promise<void> {
    staged.message?.ack();
    const adopted = this.#adopted.get(batch.connectorId);
    adopted?.retrying.delete(staged.subject);
    if (!hold) adopted?.stage.land(staged.subject, batch.batchId);

    return Promise.resolve();
  }

  /**
   * Retry or release: the key waits again unless a newer state arrived meanwhile. A retry is
   * published as a new message (attempts counted, next attempt time set) that replaces this
   * one only while this one is still the subject's last.
   */
  async #reschedule(batch: ClaimedBatch, staged: StagedMessage, settlement: Settlement) {
    const adopted = this.#adopted.get(batch.connectorId);
    const stage = adopted?.stage;
    const newer = stage?.land(staged.subject, batch.batchId);
    if (newer) {
      staged.message?.ack();

      return;
    }
    if (settlement.action === 'release' && staged.message && stage) {
      stage.arrive(staged);

      return;
    }
    const item: QueuedItem =
      settlement.action === 'retry'
        ? {
            ...staged.item,
            attempts: staged.item.attempts + 1,
            nextAttemptAt: settlement.nextAttemptAt,
            lastError: settlement.lastError,
          }
        : staged.item;
    try {
      await this.js.publish(staged.subject, encodeItem(item), {
        expect: { lastSubjectSequence: staged.message ? staged.seq : 0 },
      });
      if (item.attempts > 0) adopted?.retrying.add(staged.subject);
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
    }
    staged.message?.ack();
  }

  async discardWaiting(): Promise<number> {
    // The lane of a deactivated connector claims what waits and counts it as skipped.
    return 0;
  }

  async shiftAge(connectorId: string, pausedMs: number): Promise<void> {
    const shifts = await this.gauges.addAgeShift(connectorId, {
      before: this.#now(),
      ms: pausedMs,
    });
    const adopted = this.#adopted.get(connectorId);
    if (adopted) adopted.ageShifts = shifts;
  }

  async pendingRetry(connectorId: string): Promise<number> {
    const adopted = this.#adopted.get(connectorId);
    if (adopted) return adopted.retrying.size;

    return this.gauges.pendingRetry(connectorId);
  }

  async pending(connectorId?: string): Promise<number> {
    const held = await this.held.count(connectorId);
    if (!connectorId) {
      const info = await this.jsm.streams.info(this.names.stream);

      return info.state.messages + held;
    }
    try {
      const info = await this.jsm.consumers.info(
        this.names.stream,
        this.#consumerName(connectorId),
      );

      return info.num_pending + info.num_ack_pending + held;
    } catch (error) {
      ignoreNotFound(error);

      return held;
    }
  }

  /** Takes back the unsettled messages of every connector this process delivers. */
  async recover(): Promise<number> {
    let returned = 0;
    for (const [connectorId, adopted] of [...this.#adopted]) {
      returned += adopted.stage.size + adopted.stage.flying.size;
      await this.adopt(connectorId);
    }

    return returned;
  }

  async connectorsWithWork(): Promise<string[]> {
    const now = this.#now();
    if (this.#consumerList && now - this.#consumerList.at < CONSUMER_LIST_TTL_MS) {
      return this.#consumerList.ids;
    }
    const ids: string[] = [];
    for await (const info of this.jsm.consumers.list(this.names.stream)) {
      const connectorId = info.config.description;
      if (connectorId && info.num_pending + info.num_ack_pending > 0) ids.push(connectorId);
    }
    this.#consumerList = { at: now, ids };

    return ids;
  }

  /** Waits until this process has staged every message the connector's consumer delivered. */
  async caughtUp(connectorId: string): Promise<void> {
    const adopted = await this.#adoptedOrNew(connectorId);
    for (;;) {
      const info = await this.jsm.consumers.info(
        this.names.stream,
        this.#consumerName(connectorId),
      );
      if (info.num_pending === 0 && info.delivered.consumer_seq <= adopted.stage.received) return;
      await sleep(5);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#pruning);
    for (const connectorId of [...this.#adopted.keys()]) await this.abandon(connectorId);
  }

  /**
   * Deletes receipts older than `RECEIPT_RETENTION_MS` every hour. A receipt matters only until
   * its message is acknowledged, which a takeover or the acknowledgement wait brings about within
   * minutes. A week leaves room for a connector that is paused meanwhile.
   */
  startPruning(): void {
    this.#pruning = setInterval(() => {
      this.receipts.prune(this.#now() - RECEIPT_RETENTION_MS).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'pruning queue receipts failed; retrying');
      });
    }, 3_600_000);
    this.#pruning.unref();
  }

  #consumerName(connectorId: string): string {
    return `connector-${connectorToken(connectorId)}`;
  }

  async #ensureConsumer(connectorId: string): Promise<void> {
    if (this.#ensuredConsumers.has(connectorId)) return;
    const name = this.#consumerName(connectorId);
    await this.jsm.consumers.add(this.names.stream, {
      durable_name: name,
      filter_subject: `${this.names.subjectPrefix}.${connectorToken(connectorId)}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.options.ackWaitMs ?? 600_000),
      max_ack_pending: MAX_ACK_PENDING,
      description: connectorId,
    });
    this.#ensuredConsumers.add(connectorId);
  }

  #toBatch(
    batchId: string,
    members: StagedMessage[],
    ageShifts: Adopted['ageShifts'],
  ): ClaimedBatch {
    const first = members[0]!.item.request;
    const activations = members.map(({ item }): ClaimedActivation => {
      const shift = ageShifts
        .filter((entry) => item.enqueuedAt < entry.before)
        .reduce((total, entry) => total + entry.ms, 0);

      return {
        ...item.request,
        key: item.request.profileId,
        attempts: item.attempts,
        enqueuedAt: item.enqueuedAt + shift,
      };
    });

    return {
      batchId,
      connectorId: first.connectorId,
      destinationKey: first.destinationKey,
      destination: first.destination,
      operation: first.operation,
      activations,
    };
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return error instanceof Error && /wrong last sequence/i.test(error.message);
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof JetStreamApiError && error.code === 404) return;
  if (error instanceof Error && /not found/i.test(error.message)) return;
  throw error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
