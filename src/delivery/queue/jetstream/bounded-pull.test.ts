import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/logger.js';
import { connectTestNats, uniqueStreamNames } from '../../../test-support/nats-streams.js';
import { waitFor } from '../../../test-support/simulator-client.js';
import { BoundedPull } from './bounded-pull.js';

const LIMIT = 10;
const CONSUMER = 'bounded-pull';
/** The shortest expiry @nats-io/jetstream 3.4 accepts, which sets the idle heartbeat to 500 ms. */
const PULL_EXPIRES_MS = 1_000;

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });

  return { logger: createLogger('info', stream), warnings: () => lines.filter(isWarning) };
}

function isWarning(line: string): boolean {
  return (JSON.parse(line) as { level: number }).level >= 40;
}

describe('BoundedPull', () => {
  let names: ReturnType<typeof uniqueStreamNames>;
  let connection: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  let pull: BoundedPull | undefined;
  let heldMessages: JsMsg[];
  let stopped: unknown[];
  let log: ReturnType<typeof capturedLogger>;

  beforeEach(async () => {
    names = uniqueStreamNames();
    connection = await connectTestNats();
    jsm = await jetstreamManager(connection);
    js = jetstream(connection);
    await jsm.streams.add({ name: names.stream, subjects: [`${names.subjectPrefix}.>`] });
    await jsm.consumers.add(names.stream, {
      durable_name: CONSUMER,
      ack_policy: AckPolicy.Explicit,
    });
    heldMessages = [];
    stopped = [];
    log = capturedLogger();
  });

  afterEach(async () => {
    await pull?.stop();
    pull = undefined;
    await connection.close();
    await names.remove();
  });

  async function publish(count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await js.publish(`${names.subjectPrefix}.m${index}`, `m${index}`);
    }
  }

  async function startPull(pullExpiresMs = PULL_EXPIRES_MS): Promise<void> {
    pull = new BoundedPull({
      consumer: await js.consumers.get(names.stream, CONSUMER),
      connectorId: 'c1',
      limit: LIMIT,
      heldCount: () => heldMessages.length,
      onMessage: (message) => heldMessages.push(message),
      onStopped: (error) => stopped.push(error),
      isConnectionClosed: () => connection.isClosed(),
      logger: log.logger,
      pullExpiresMs,
    });
    pull.start();
  }

  function settleHeld(): void {
    for (const message of heldMessages) message.ack();
    heldMessages = [];
  }

  async function openPullRequests(): Promise<number> {
    return (await jsm.consumers.info(names.stream, CONSUMER)).num_waiting;
  }

  it('refills without failing after a full stage', async () => {
    await publish(2 * LIMIT);
    await startPull();
    await waitFor('the stage to fill', () => heldMessages.length === LIMIT);
    // Several idle heartbeat intervals pass with the stage full and nothing settled.
    await sleep(4 * PULL_EXPIRES_MS);

    settleHeld();
    await waitFor('the freed room to refill', () => heldMessages.length === LIMIT);

    // Waiting inside a finished fetch fails it on missed heartbeats, which logs a warning.
    expect(log.warnings()).toEqual([]);
    expect(stopped).toEqual([]);
  });

  it('delivers to an open pull request', async () => {
    // With a 60 s expiry, no second request is sent within waitFor's 10 s.
    await startPull(60_000);
    await waitFor('a pull request on the server', async () => (await openPullRequests()) > 0);

    await publish(1);

    await waitFor('the message', () => heldMessages.length === 1);
  });

  it('leaves no pull request open after stop', async () => {
    await startPull();
    await waitFor('a pull request on the server', async () => (await openPullRequests()) > 0);

    await pull!.stop();
    pull = undefined;

    await waitFor('the pull request to close', async () => (await openPullRequests()) === 0);
    await publish(1);
    await sleep(200);
    expect(heldMessages).toEqual([]);
  });

  it('stops promptly while the stage is full', async () => {
    await publish(2 * LIMIT);
    await startPull(60_000);
    await waitFor('the stage to fill', () => heldMessages.length === LIMIT);

    const stopping = Date.now();
    await pull!.stop();
    pull = undefined;

    // A stop that waited for the open request to expire would take 60 s.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(await openPullRequests()).toBe(0);
    expect(heldMessages).toHaveLength(LIMIT);
  });
});
