import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createService, type DeliveryTuning } from '../app/service.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Short linger and backoff so delivery tests finish quickly; the circuit breaker stays out of the way. */
export const FAST_DELIVERY: DeliveryTuning = {
  lingerMs: 20,
  pollIntervalMs: 10,
  retryPolicy: { baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterSeconds: 1 },
  circuitBreaker: { failureThreshold: 1_000, openMs: 1_000 },
};

/** A service on a fresh data directory with its log captured in memory, for `inject` tests. */
export async function startTestService(
  env: Record<string, string> = {},
  tuning: DeliveryTuning = {},
) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-test-'));
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const config = loadConfig({
    DATA_DIR: dataDir,
    ACTIVATOR_API_TOKEN: TEST_TOKEN,
    ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const service = await createService(config, createLogger(config.logLevel, logStream), {
    ...FAST_DELIVERY,
    ...tuning,
  });
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };

  return {
    ...service,
    dataDir,
    auth,
    logText: () => logLines.join(''),
    async dispose() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestService = Awaited<ReturnType<typeof startTestService>>;
