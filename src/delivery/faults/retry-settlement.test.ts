import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CompiledQuery, KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.js';
import type { ClaimedBatch, Settlement } from '../queue/activation-queue.js';
import { SqlActivationQueue } from '../queue/sql-activation-queue.js';

function buildActivations(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    connectorId: 'meta',
    destination: { customAudienceId: '1' },
    destinationKey: '1',
    profileId: `p${index}`,
    operation: 'add' as const,
    profile: { identifiers: { email: [`p${index}@example.com`] } },
  }));
}

function retryAll(batch: ClaimedBatch): Settlement[] {
  return batch.activations.map((activation, index) => ({
    key: activation.key,
    action: 'retry' as const,
    nextAttemptAt: 100 + index,
    lastError: '{"category":"other"}',
  }));
}

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
      await queue.enqueue(buildActivations(3), 0);
      const batch = await queue.claim({
        connectorId: 'meta',
        maxBatchSize: 10_000,
        lingerMs: 0,
        now: 1,
      });
      statements.length = 0;
      await db.transaction().execute((trx) => queue.settle(batch!, retryAll(batch!), trx));

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

  // BUG: the rows of a failed batch are updated one statement at a time, in one transaction that
  // better-sqlite3 runs without yielding. For 10,000 rows that stalls every connector and the
  // API for 0.6 to 1.8 s per failed attempt on a loaded 2-core machine. One statement per chunk
  // of rows should cut the stall to a fraction, an estimate that no fix has measured yet.
  it.fails('keeps the event loop responsive', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-settlement-'));
    const store = await openSqliteStore(dataDir, createLogger('silent'));
    try {
      const queue = new SqlActivationQueue(store.db);
      await queue.enqueue(buildActivations(10_000), 0);
      const batch = await queue.claim({
        connectorId: 'meta',
        maxBatchSize: 10_000,
        lingerMs: 0,
        now: 1,
      });
      const stall = monitorEventLoopDelay({ resolution: 10 });
      stall.enable();
      // The monitor records a delay from its second sample on.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.db.transaction().execute((trx) => queue.settle(batch!, retryAll(batch!), trx));
      await new Promise((resolve) => setTimeout(resolve, 20));
      stall.disable();

      expect(stall.max / 1e6, 'longest event-loop stall in ms').toBeLessThan(100);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
