import { createLogger } from '../../../log/logger.js';
import { openPostgresStore } from '../../../store/postgres/open-postgres-store.js';
import { connectTestNats, uniqueStreamNames } from '../../../test-support/nats-streams.js';
import { createTestDatabase } from '../../../test-support/postgres-database.js';
import { describeActivationQueueContract } from '../activation-queue.contract.js';
import { JetStreamActivationQueue } from './jetstream-activation-queue.js';

describeActivationQueueContract('JetStream on PostgreSQL', async () => {
  const database = await createTestDatabase();
  const logger = createLogger('silent');
  const store = await openPostgresStore(database.url, logger);
  const connection = await connectTestNats();
  const names = uniqueStreamNames();
  const queue = await JetStreamActivationQueue.open({ connection, db: store.db, logger, names });

  return {
    store,
    queue,
    caughtUp: (connectorId) => queue.caughtUp(connectorId),
    async dispose() {
      await queue.close();
      await connection.close();
      await names.remove();
      await store.close();
      await database.drop();
    },
  };
});
