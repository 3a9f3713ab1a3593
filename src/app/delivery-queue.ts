import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { LeasedOwnership, SoleOwnership } from '../cluster/connector-ownership.js';
import { StoreLeases } from '../cluster/store-leases.js';
import type { Config } from '../config/config.js';
import { ConfigError } from '../errors/app-error.js';
import type { ActivationQueue } from '../delivery/queue/activation-queue.js';
import { DEFAULT_STREAM_NAMES } from '../delivery/queue/jetstream/activation-stream.js';
import { JetStreamActivationQueue } from '../delivery/queue/jetstream/jetstream-activation-queue.js';
import { SqlActivationQueue } from '../delivery/queue/sql-activation-queue.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';

/** How long a process keeps a connector without renewing its lease. */
export const DEFAULT_LEASE_MS = 15_000;

export interface DeliveryTopology {
  queue: ActivationQueue;
  /** Set when several processes may share the store. */
  shared?: { leases: StoreLeases; workerId: string; ownership: LeasedOwnership };
  ownership: LeasedOwnership | SoleOwnership;
  /**
   * Throws when the queue cannot be reached. A queue in the store has nothing to check beyond
   * the store itself.
   */
  checkQueue(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Picks the queue and who delivers what: the queue in the store and one process by default;
 * JetStream when `NATS_URL` is set; leases in the store when it is PostgreSQL, which several
 * processes share.
 */
export async function openDeliveryTopology(
  config: Config,
  store: Store,
  logger: Logger,
  leaseMs = DEFAULT_LEASE_MS,
): Promise<DeliveryTopology> {
  const shared = store.dialect === 'postgres' ? sharedParts(store, leaseMs) : undefined;
  const ownership = shared?.ownership ?? new SoleOwnership();
  if (!config.natsUrl) {
    return {
      queue: new SqlActivationQueue(store.db, store.dialect),
      shared,
      ownership,
      checkQueue: async () => {},
      close: async () => {},
    };
  }
  const connection = await connect({
    servers: config.natsUrl.split(',').map((server) => server.trim()),
    name: `activator ${shared?.workerId ?? hostname()}`,
  }).catch((error: unknown) => {
    throw new ConfigError(
      'NATS_URL',
      `could not connect to ${config.natsUrl} (${error instanceof Error ? error.message : String(error)}); start NATS with JetStream (nats-server -js) or unset NATS_URL.`,
    );
  });
  const names =
    config.natsStream === DEFAULT_STREAM_NAMES.stream
      ? DEFAULT_STREAM_NAMES
      : {
          stream: config.natsStream,
          subjectPrefix: `activator.${config.natsStream.toLowerCase()}`,
        };
  const queue = await JetStreamActivationQueue.open({
    connection,
    db: store.db,
    logger: logger.child({ component: 'jetstream-queue' }),
    names,
  });
  logger.info({ stream: names.stream, servers: config.natsUrl }, 'activation queue on JetStream');

  return {
    queue,
    shared,
    ownership,
    async checkQueue() {
      if (connection.isClosed()) throw new Error('the NATS connection is closed');
      // An open connection may still be reconnecting, so a round trip confirms the server.
      await connection.flush();
    },
    async close() {
      await queue.close();
      await connection.drain();
    },
  };
}

function sharedParts(store: Store, leaseMs: number) {
  const leases = new StoreLeases(store.db);
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  return { leases, workerId, ownership: new LeasedOwnership(leases, workerId, leaseMs) };
}
