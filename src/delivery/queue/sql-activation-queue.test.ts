import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.js';
import { describeActivationQueueContract } from './activation-queue.contract.js';
import { SqlActivationQueue } from './sql-activation-queue.js';

const logger = createLogger('silent');

async function openQueue(
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-queue-')),
  prepared = true,
) {
  const store = await openSqliteStore(dataDir, logger);

  return {
    store,
    queue: new SqlActivationQueue(store.db, 'sqlite', prepared ? store.sqlite : undefined),
    dataDir,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeActivationQueueContract('SQLite', () => openQueue());
describeActivationQueueContract('SQLite through Kysely only', () => openQueue(undefined, false));

describe('SQLite activation queue', () => {
  it('keeps enqueued activations across a reopen', async () => {
    const first = await openQueue();
    await first.queue.enqueue(
      [
        {
          connectorId: 'c1',
          destination: { customAudienceId: '1' },
          destinationKey: '1',
          profileId: 'p1',
          operation: 'add',
          profile: { identifiers: { email: ['a@example.com'] } },
        },
      ],
      1,
    );
    await first.store.close();
    const reopened = await openQueue(first.dataDir);

    expect(await reopened.queue.pending('c1')).toBe(1);
    await reopened.dispose();
  });
});
