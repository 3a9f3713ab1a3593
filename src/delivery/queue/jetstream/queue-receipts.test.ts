import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/logger.js';
import { openPostgresStore } from '../../../store/postgres/open-postgres-store.js';
import type { Store } from '../../../store/store.js';
import { createTestDatabase } from '../../../test-support/postgres-database.js';
import { QueueReceipts } from './queue-receipts.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let store: Store;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openPostgresStore(database.url, createLogger('silent'));
});

afterAll(async () => {
  await store.close();
  await database.drop();
});

describe('queue receipts', () => {
  it('finds recorded sequences of its own stream only', async () => {
    const receipts = new QueueReceipts(store.db, 'STREAM@1');
    const recreated = new QueueReceipts(store.db, 'STREAM@2');
    await store.db.transaction().execute((trx) => receipts.record(trx, [1, 2, 3], 1_000));

    expect([...(await receipts.recorded([2, 3, 4]))].sort()).toEqual([2, 3]);
    expect((await recreated.recorded([1, 2, 3])).size).toBe(0);
  });

  it('prunes receipts older than the cut-off', async () => {
    const receipts = new QueueReceipts(store.db, 'PRUNE@1');
    await store.db.transaction().execute((trx) => receipts.record(trx, [10], 5_000));
    await store.db.transaction().execute((trx) => receipts.record(trx, [11], 9_000));

    expect(await receipts.prune(6_000)).toBeGreaterThanOrEqual(1);
    expect([...(await receipts.recorded([10, 11]))]).toEqual([11]);
  });
});
