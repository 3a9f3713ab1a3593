import type { Kysely } from 'kysely';
import type { Database } from '../../../store/schema.js';

/** Items enqueued before `before` (epoch ms) count their retry age `ms` later. */
export interface AgeShift {
  before: number;
  ms: number;
}

/** Shifts kept per connector; older ones concern activations long expired. */
const MAX_AGE_SHIFTS = 50;

/**
 * Queue state the process delivering a connector keeps in the store: the retry count for API
 * processes to report, and the retry age shifts, so a takeover keeps them.
 */
export class QueueGauges {
  constructor(private readonly db: Kysely<Database>) {}

  async writePendingRetry(connectorId: string, pendingRetry: number, now: number) {
    await this.db
      .insertInto('queue_gauges')
      .values({ connector_id: connectorId, pending_retry: pendingRetry, updated_at: now })
      .onConflict((conflict) =>
        conflict
          .column('connector_id')
          .doUpdateSet({ pending_retry: pendingRetry, updated_at: now }),
      )
      .execute();
  }

  async pendingRetry(connectorId: string): Promise<number> {
    const row = await this.db
      .selectFrom('queue_gauges')
      .select('pending_retry')
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();

    return Number(row?.pending_retry ?? 0);
  }

  async ageShifts(connectorId: string): Promise<AgeShift[]> {
    const row = await this.db
      .selectFrom('queue_gauges')
      .select('age_shifts')
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();

    return JSON.parse(row?.age_shifts ?? '[]') as AgeShift[];
  }

  async addAgeShift(connectorId: string, shift: AgeShift): Promise<AgeShift[]> {
    const shifts = [...(await this.ageShifts(connectorId)), shift].slice(-MAX_AGE_SHIFTS);
    const text = JSON.stringify(shifts);
    await this.db
      .insertInto('queue_gauges')
      .values({ connector_id: connectorId, age_shifts: text, updated_at: shift.before })
      .onConflict((conflict) =>
        conflict.column('connector_id').doUpdateSet({ age_shifts: text, updated_at: shift.before }),
      )
      .execute();

    return shifts;
  }
}
