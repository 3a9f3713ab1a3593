import { setTimeout as delay } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../../log/logger.js';

/** Maximum messages requested by one pull request. */
const PULL_BATCH = 1_000;
/** How long an unfilled pull request stays open on the server before the loop sends a new one. */
const PULL_EXPIRES_MS = 30_000;
/** Poll interval while the stage is full. */
const ROOM_POLL_MS = 10;
/** Pause after a failed pull request before the next one. */
const RETRY_PAUSE_MS = 1_000;
/** A run of failed pull requests is logged at its first failure and then every this many. */
const FAILURES_PER_LOG = 60;

export interface BoundedPullOptions {
  consumer: Consumer;
  connectorId: string;
  /** Maximum messages kept in the process for the connector. */
  limit: number;
  /** Returns the number of messages kept in the process for the connector now. */
  heldCount: () => number;
  /** Receives each delivered message, in delivery order. */
  onMessage: (message: JsMsg) => void;
  /**
   * Called once with the error when the loop ends without `stop()`, because the NATS connection
   * is closed or `onMessage` threw.
   */
  onStopped: (error: unknown) => void;
  isConnectionClosed: () => boolean;
  logger: Logger;
  /** How long an unfilled pull request stays open on the server. Default 30 s. */
  pullExpiresMs?: number;
}

/** An error thrown by `onMessage`. It ends the loop instead of being retried. */
class MessageHandlerError extends Error {
  constructor(cause: unknown) {
    super('handling a delivered activation failed', { cause });
  }
}

/**
 * The pull loop of one connector's consumer. Each pull request requests no more messages than
 * the room left under `limit`, so the server delivers no more than the process may keep.
 * `consume()` of @nats-io/jetstream 3.4 is not used because it keeps a fixed count of messages
 * requested whatever room is left. A failed pull request (NATS restarting, a missed heartbeat)
 * is retried after a pause.
 */
export class BoundedPull {
  #done: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #stopping = new AbortController();
  #messages: ConsumerMessages | undefined;

  constructor(private readonly options: BoundedPullOptions) {}

  start(): void {
    this.#done = this.#run();
  }

  /** Ends the current pull request and waits until the loop has returned. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#messages?.stop();
    await this.#done;
  }

  async #run(): Promise<void> {
    const { connectorId, logger } = this.options;
    let failures = 0;
    while (!this.#stopped) {
      const room = this.options.limit - this.options.heldCount();
      if (room <= 0) {
        await this.#pause(ROOM_POLL_MS);
        continue;
      }
      try {
        await this.#pullOnce(Math.min(PULL_BATCH, room));
        if (failures > 0) logger.info({ connectorId, failures }, 'pulling activations resumed');
        failures = 0;
      } catch (error) {
        if (this.#stopped) return;
        if (error instanceof MessageHandlerError) {
          this.options.onStopped(error.cause);

          return;
        }
        if (this.options.isConnectionClosed()) {
          this.options.onStopped(error);

          return;
        }
        failures += 1;
        if (failures % FAILURES_PER_LOG === 1) {
          logger.warn(
            { err: error, connectorId, failures },
            'pulling activations from NATS failed; retrying every second',
          );
        }
        await this.#pause(RETRY_PAUSE_MS);
      }
    }
  }

  /** Sends one pull request for `count` messages and hands each delivered one on. */
  async #pullOnce(count: number): Promise<void> {
    const messages = await this.options.consumer.fetch({
      max_messages: count,
      expires: this.options.pullExpiresMs ?? PULL_EXPIRES_MS,
    });
    this.#messages = messages;
    if (this.#stopped) messages.stop();
    let delivered = 0;
    for await (const message of messages) {
      try {
        this.options.onMessage(message);
      } catch (error) {
        throw new MessageHandlerError(error);
      }
      delivered += 1;
      // The request is complete, so unless a reconnect sent it again, the iterator ends next
      // and `#run` waits for room. Waiting here would keep the fetch's heartbeat monitor running
      // with no request open on the server, and two missed heartbeats fail the fetch.
      if (delivered === count) continue;
      // NOTE: after a reconnect, @nats-io/jetstream 3.4 sends the open pull request again in
      // full, so one request can deliver more than `count`. The loop then waits here for room
      // while the rest stays in the client's buffer.
      while (!this.#stopped && this.options.heldCount() >= this.options.limit) {
        await this.#pause(ROOM_POLL_MS);
      }
      if (this.#stopped) break;
    }
  }

  async #pause(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
  }
}
