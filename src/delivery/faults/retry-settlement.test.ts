import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CompiledQuery, KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.js';
import type { ClaimedBatch, Settlement } from '../queue/activation-queue.js';
import { SqlActivationQueue } from '../queue/sql-activation-queue.js';
import { SqliteActivationQueue } from '../queue/sqlite-activation-queue.js';

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

  // The service's SQLite queue returns a failed batch's rows with prepared statements, which
  // better-sqlite3 runs without yielding, so it lets the event loop run between slices of rows.
  // Through Kysely alone, 10,000 updates stalled every connector and the API for 0.6 to 1.8 s.
  it('lets other work run while it returns a large batch', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-settlement-'));
    const store = await openSqliteStore(dataDir, createLogger('silent'));
    try {
      const queue = new SqliteActivationQueue(store.db, store.sqlite!);
      await queue.enqueue(buildActivations(10_000), 0);
      const batch = await queue.claim({
        connectorId: 'meta',
        maxBatchSize: 10_000,
        lingerMs: 0,
        now: 1,
      });
      let settling = true;
      let turnsWhileSettling = 0;
      const countTurns = () => {
        if (!settling) return;
        turnsWhileSettling += 1;
        setImmediate(countTurns);
      };
      setImmediate(countTurns);
      await store.db.transaction().execute((trx) => queue.settle(batch!, retryAll(batch!), trx));
      settling = false;

      expect(turnsWhileSettling).toBeGreaterThanOrEqual(10);
      expect(await queue.pendingRetry('meta')).toBe(10_000);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
