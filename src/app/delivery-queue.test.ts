import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { ConfigError } from '../errors/app-error.js';
import { createLogger } from '../log/logger.js';
import { openPostgresStore } from '../store/postgres/open-postgres-store.js';
import type { Store } from '../store/store.js';
import { TEST_NATS_URL, uniqueStreamNames } from '../test-support/nats-streams.js';
import { createTestDatabase } from '../test-support/postgres-database.js';
import { openDeliveryTopology, redactNatsUrl } from './delivery-queue.js';

describe('redactNatsUrl', () => {
  it.each([
    ['nats://alice:s3cr3t@127.0.0.1:4222', 'nats://alice:***@127.0.0.1:4222'],
    ['tls://s3cr3t-token@nats.example.com:4222', 'tls://***@nats.example.com:4222'],
    ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
    ['127.0.0.1:4222', '127.0.0.1:4222'],
    ['nats://a:s3cr3t@one:4222, nats://two:4222', 'nats://a:***@one:4222,nats://two:4222'],
  ])('redacts %s', (natsUrl, expected) => {
    expect(redactNatsUrl(natsUrl)).toBe(expected);
  });
});

describe('openDeliveryTopology on NATS', () => {
  const streams = uniqueStreamNames();
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore(database.url, createLogger('silent'));
    dataDir = mkdtempSync(path.join(tmpdir(), 'activator-topology-'));
  });

  afterAll(async () => {
    await streams.remove();
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function configWith(natsUrl: string, stream = streams.stream) {
    return loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
      ACTIVATOR_NATS_STREAM: stream,
    });
  }

  function capturingLogger() {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    );

    return { logger, text: () => lines.join('') };
  }

  it('logs the servers without their password', async () => {
    // The test server has no authentication and ignores the user and password.
    const withPassword = TEST_NATS_URL.replace('nats://', 'nats://alice:s3cr3t@');
    const { logger, text } = capturingLogger();
    const topology = await openDeliveryTopology(configWith(withPassword), store, logger);
    await topology.close();

    expect(text()).toContain('activation queue on JetStream');
    expect(text()).not.toContain('s3cr3t');
  });

  it('leaves the password out of a connection error', async () => {
    const { logger } = capturingLogger();
    const opened = openDeliveryTopology(
      configWith('nats://alice:s3cr3t@127.0.0.1:1'),
      store,
      logger,
    );
    const error = await opened.then(
      () => undefined,
      (rejected: unknown) => rejected,
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('NATS_URL');
    expect((error as Error).message).not.toContain('s3cr3t');
  });

  it('names ACTIVATOR_NATS_STREAM when the subjects collide', async () => {
    const { logger } = capturingLogger();
    const first = await openDeliveryTopology(configWith(TEST_NATS_URL), store, logger);
    await first.close();
    // Stream names differ only in case, so both streams want the same subjects.
    const clash = configWith(TEST_NATS_URL, streams.stream.toLowerCase());
    const error = await openDeliveryTopology(clash, store, logger).then(
      () => undefined,
      (rejected: unknown) => rejected,
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('ACTIVATOR_NATS_STREAM');
  });
});
