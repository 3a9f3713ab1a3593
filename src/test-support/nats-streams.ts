import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { StreamNames } from '../delivery/queue/jetstream/activation-stream.js';

/** The NATS server with JetStream the tests use. */
export const TEST_NATS_URL = process.env.ACTIVATOR_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Stream names no other test uses, and a function that deletes the stream, so test files run
 * side by side on one server.
 */
export function uniqueStreamNames(): StreamNames & { remove(): Promise<void> } {
  const suffix = randomBytes(6).toString('hex');
  const stream = `TEST_ACTIVATIONS_${suffix}`;

  return {
    stream,
    subjectPrefix: `activator.${stream.toLowerCase()}`,
    async remove() {
      const connection = await connect({ servers: TEST_NATS_URL });
      try {
        const jsm = await jetstreamManager(connection);
        await jsm.streams.delete(stream).catch(() => false);
      } finally {
        await connection.close();
      }
    },
  };
}

export async function connectTestNats(): Promise<NatsConnection> {
  return connect({ servers: TEST_NATS_URL });
}
