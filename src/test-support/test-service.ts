import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createService } from '../app/service.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** A service on a fresh data directory with its log captured in memory, for `inject` tests. */
export async function startTestService(env: Record<string, string> = {}) {
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
  const service = await createService(config, createLogger(config.logLevel, logStream));
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
