import { createLogger } from '../../log/logger.js';
import { openPostgresStore } from '../../store/postgres/open-postgres-store.js';
import { createTestDatabase } from '../../test-support/postgres-database.js';
import { describeActivationQueueContract } from './activation-queue.contract.js';
import { SqlActivationQueue } from './sql-activation-queue.js';

describeActivationQueueContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = await openPostgresStore(database.url, createLogger('silent'));

  return {
    store,
    queue: new SqlActivationQueue(store.db, 'postgres'),
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});
