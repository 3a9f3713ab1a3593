import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { LeasedOwnership, SoleOwnership } from '../cluster/connector-ownership.js';
import { StoreLeases } from '../cluster/store-leases.js';
import type { Config } from '../config/config.js';
import { ConfigError } from '../errors/app-error.js';
import type { ActivationQueue } from '../delivery/queue/activation-queue.js';
import {
  DEFAULT_STREAM_NAMES,
  type StreamNames,
} from '../delivery/queue/jetstream/activation-stream.js';
import { JetStreamActivationQueue } from '../delivery/queue/jetstream/jetstream-activation-queue.js';
import { SqlActivationQueue } from '../delivery/queue/sql-activation-queue.js';
import { SqliteActivationQueue } from '../delivery/queue/sqlite-activation-queue.js';
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
  /** Tells the other processes that a connector changed (set with NATS). */
  announceChange?(connectorId: string): void;
  /** Calls `listener` when another process announces a connector change (set with NATS). */
  onChange?(listener: (connectorId: string) => void): void;
  close(): Promise<void>;
}

/**
 * Picks the queue and how processes share the deliveries. By default the queue is in the store
 * and one process delivers everything. `NATS_URL` selects JetStream, and a PostgreSQL store,
 * which several processes can share, adds leases that spread the connectors.
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
      queue: store.sqlite
        ? new SqliteActivationQueue(store.db, store.sqlite)
        : new SqlActivationQueue(store.db, store.dialect),
      shared,
      ownership,
      checkQueue: async () => {},
      close: async () => {},
    };
  }
  const servers = redactNatsUrl(config.natsUrl);
  const connection = await connect({
    servers: config.natsUrl.split(',').map((server) => server.trim()),
    name: `activator ${shared?.workerId ?? hostname()}`,
  }).catch((error: unknown) => {
    throw new ConfigError(
      'NATS_URL',
      `could not connect to ${servers} (${errorMessage(error)}); start NATS with JetStream (nats-server -js) or unset NATS_URL.`,
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
  }).catch(async (error: unknown) => {
    await connection.close();
    throw streamError(error, servers, names);
  });
  queue.startPruning();
  logger.info({ stream: names.stream, servers }, 'activation queue on JetStream');

  // Core NATS, outside the stream's subjects: a change reaches the workers at once instead of at
  // their next reload of the connector.
  const changes = `activator.events.${names.stream}.connectors`;

  return {
    queue,
    shared,
    ownership,
    announceChange(connectorId) {
      if (!connection.isClosed()) connection.publish(changes, connectorId);
    },
    onChange(listener) {
      connection.subscribe(changes, {
        callback: (error, message) => {
          if (!error) listener(message.string());
        },
      });
    },
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

/** Replaces the password or token in each server of a `NATS_URL` with `***`, for logs and errors. */
export function redactNatsUrl(natsUrl: string): string {
  return natsUrl
    .split(',')
    .map((server) => server.trim().replace(/^([a-z]+:\/\/)(?:([^:@/]*):)?[^@/]*@/i, redactUserInfo))
    .join(',');
}

function redactUserInfo(_match: string, scheme: string, user: string | undefined): string {
  return user === undefined ? `${scheme}***@` : `${scheme}${user}:***@`;
}

/**
 * Names the variable to change when the stream cannot be set up: `ACTIVATOR_NATS_STREAM` when
 * its subjects collide with another stream's, `NATS_URL` otherwise (JetStream off, for one).
 */
function streamError(error: unknown, servers: string, names: StreamNames): ConfigError {
  const message = errorMessage(error);
  if (/subjects overlap/i.test(message)) {
    return new ConfigError(
      'ACTIVATOR_NATS_STREAM',
      `stream ${names.stream} needs the subjects ${names.subjectPrefix}.>, which another stream ` +
        `on ${servers} uses (${message}); choose another stream name.`,
    );
  }

  return new ConfigError(
    'NATS_URL',
    `could not set up the JetStream stream ${names.stream} on ${servers} (${message}); ` +
      'start NATS with JetStream enabled (nats-server -js).',
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
