import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../store/schema.js';
import type { StagedMessage } from './connector-stage.js';

const CHUNK_SIZE = 500;

/**
 * Activations of batches a partner accepted and confirms later. Their messages are
 * acknowledged, so the store keeps them, and their subjects stay in flight until the final
 * outcome is recorded, whichever process delivers the connector by then.
 */
export class HeldActivations {
  constructor(private readonly db: Kysely<Database>) {}

  async add(
    trx: Transaction<Database>,
    batchId: string,
    connectorId: string,
    members: StagedMessage[],
  ): Promise<void> {
    for (let start = 0; start < members.length; start += CHUNK_SIZE) {
      await trx
        .insertInto('held_activations')
        .values(
          members.slice(start, start + CHUNK_SIZE).map((staged) => ({
            batch_id: batchId,
            activation_key: staged.item.request.profileId,
            connector_id: connectorId,
            subject: staged.subject,
            item: JSON.stringify(staged.item),
          })),
        )
        .onConflict((conflict) => conflict.columns(['batch_id', 'activation_key']).doNothing())
        .execute();
    }
  }

  async remove(trx: Transaction<Database>, batchId: string, keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += CHUNK_SIZE) {
      await trx
        .deleteFrom('held_activations')
        .where('batch_id', '=', batchId)
        .where('activation_key', 'in', keys.slice(start, start + CHUNK_SIZE))
        .execute();
    }
  }

  async ofBatch(batchId: string) {
    return this.db
      .selectFrom('held_activations')
      .selectAll()
      .where('batch_id', '=', batchId)
      .execute();
  }

  async subjectsOf(connectorId: string) {
    return this.db
      .selectFrom('held_activations')
      .select(['subject', 'batch_id'])
      .where('connector_id', '=', connectorId)
      .execute();
  }

  async count(connectorId?: string): Promise<number> {
    let query = this.db
      .selectFrom('held_activations')
      .select((eb) => eb.fn.countAll<number>().as('count'));
    if (connectorId) query = query.where('connector_id', '=', connectorId);
    const row = await query.executeTakeFirstOrThrow();

    return Number(row.count);
  }
}
