import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createService, type DeliveryTuning } from '../app/service.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { TEST_NATS_URL, uniqueStreamNames } from './nats-streams.js';
import { createTestDatabase } from './postgres-database.js';
import { FAST_DELIVERY, TEST_TOKEN } from './test-service.js';

/** One in-process API or worker "process" of a scale-out deployment, with its log in memory. */
export interface ScaleOutProcess {
  name: string;
  service: Awaited<ReturnType<typeof createService>>;
  logLines: string[];
  /** Parsed log records whose `msg` is `message`. */
  logged(message: string): Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Creates a deployment on a fresh PostgreSQL database and a fresh JetStream stream. Its API
 * processes and workers are services in this test process, each with its own pool and NATS
 * connection.
 */
export async function startScaleOut(options: { natsUrl?: string } = {}) {
  const database = await createTestDatabase();
  const streams = uniqueStreamNames();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-scale-out-'));
  const secretKey = randomBytes(32).toString('base64');
  const processes: ScaleOutProcess[] = [];

  async function start(
    name: string,
    roles: { api: boolean; workers: boolean },
    tuning: DeliveryTuning = {},
  ): Promise<ScaleOutProcess> {
    const logLines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    });
    const config = loadConfig({
      DATA_DIR: dataDir,
      ACTIVATOR_API_TOKEN: TEST_TOKEN,
      ACTIVATOR_SECRET_KEY: secretKey,
      ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
      DATABASE_URL: database.url,
      NATS_URL: options.natsUrl ?? TEST_NATS_URL,
      ACTIVATOR_NATS_STREAM: streams.stream,
      LOG_LEVEL: 'debug',
    });
    const service = await createService(
      config,
      createLogger(config.logLevel, logStream),
      { ...FAST_DELIVERY, ...tuning },
      roles,
    );
    let closed = false;
    const started: ScaleOutProcess = {
      name,
      service,
      logLines,
      logged: (message) =>
        logLines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((record) => record.msg === message),
      async close() {
        if (closed) return;
        closed = true;
        await service.close();
      },
    };
    processes.push(started);

    return started;
  }

  return {
    database,
    streams,
    auth: { authorization: `Bearer ${TEST_TOKEN}` },
    startApi: (tuning: DeliveryTuning = {}) =>
      start(`api-${processes.length + 1}`, { api: true, workers: false }, tuning),
    startWorker: (tuning: DeliveryTuning = {}) =>
      start(`worker-${processes.length + 1}`, { api: false, workers: true }, tuning),
    async dispose() {
      for (const process of processes) await process.close().catch(() => undefined);
      await streams.remove();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type ScaleOut = Awaited<ReturnType<typeof startScaleOut>>;
