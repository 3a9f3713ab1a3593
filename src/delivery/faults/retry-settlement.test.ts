import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CompiledQuery, KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.js';
import { SqlActivationQueue } from '../queue/sql-activation-queue.js';

// Settling runs synchronously on SQLite, so while a failed batch is settled no other connector
// sends or records anything. Each retried row used to be found by scanning its whole batch, and
// a failed Meta batch of 10,000 stopped the process for 8 to 27 s on a loaded 2-core machine.
describe('settling a failed batch for retry', () => {
  it('finds each row by its key', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-settlement-'));
    const store = await openSqliteStore(dataDir, createLogger('silent'));
    try {
      const statements: CompiledQuery[] = [];
      const recordStatements: KyselyPlugin = {
        transformQuery: (args) => {
          statements.push(store.db.getExecutor().compileQuery(args.node, args.queryId));

          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const db = store.db.withPlugin(recordStatements);
      const queue = new SqlActivationQueue(db);
      await queue.enqueue(
        ['p1', 'p2', 'p3'].map((profileId) => ({
          connectorId: 'meta',
          destination: { customAudienceId: '1' },
          destinationKey: '1',
          profileId,
          operation: 'add' as const,
          profile: { identifiers: { email: [`${profileId}@example.com`] } },
        })),
        0,
      );
      const batch = await queue.claim({
        connectorId: 'meta',
        maxBatchSize: 10_000,
        lingerMs: 0,
        now: 1,
      });
      const settlements = batch!.activations.map((activation, index) => ({
        key: activation.key,
        action: 'retry' as const,
        nextAttemptAt: 100 + index,
        lastError: '{"category":"other"}',
      }));
      statements.length = 0;
      await db.transaction().execute((trx) => queue.settle(batch!, settlements, trx));

      const updates = statements.filter((statement) => /^update\b/i.test(statement.sql));
      expect(updates).toHaveLength(3);
      for (const update of updates) {
        const plan = store
          .sqlite!.prepare(`explain query plan ${update.sql}`)
          .all(...update.parameters) as { detail: string }[];

        expect(plan.map((step) => step.detail).join('; ')).toMatch(/profile_id=\?/);
      }
      expect(await queue.pendingRetry('meta')).toBe(3);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
