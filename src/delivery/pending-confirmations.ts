import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, PendingConfirmationTable } from '../store/schema.js';

export type PendingConfirmation = Selectable<PendingConfirmationTable>;

/** First check of a confirmation after the partner accepted the request, in ms. */
export const FIRST_CONFIRMATION_CHECK_MS = 5_000;

/** Batches a partner accepted and reports on later (Data Manager requests, Xandr jobs). */
export class PendingConfirmations {
  constructor(private readonly db: Kysely<Database>) {}

  async hold(trx: Transaction<Database>, row: PendingConfirmation): Promise<void> {
    await trx
      .insertInto('pending_confirmations')
      .values(row)
      .onConflict((conflict) =>
        conflict.column('batch_id').doUpdateSet({
          confirmation: row.confirmation,
          next_check_at: row.next_check_at,
        }),
      )
      .execute();
  }

  async due(connectorId: string, now: number, limit: number): Promise<PendingConfirmation[]> {
    return this.db
      .selectFrom('pending_confirmations')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .where('next_check_at', '<=', now)
      .orderBy('next_check_at')
      .limit(limit)
      .execute();
  }

  async postpone(batchId: string, nextCheckAt: number): Promise<void> {
    await this.db
      .updateTable('pending_confirmations')
      .set({ next_check_at: nextCheckAt })
      .where('batch_id', '=', batchId)
      .execute();
  }

  async resolve(executor: Kysely<Database> | Transaction<Database>, batchId: string) {
    await executor.deleteFrom('pending_confirmations').where('batch_id', '=', batchId).execute();
  }

  /** Connectors with at least one batch waiting for a confirmation. */
  async connectors(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('pending_confirmations')
      .select('connector_id')
      .distinct()
      .execute();

    return rows.map((row) => row.connector_id);
  }

  async count(connectorId: string): Promise<number> {
    const row = await this.db
      .selectFrom('pending_confirmations')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirstOrThrow();

    return Number(row.count);
  }
}
