import { randomUUID } from 'node:crypto';
import {
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  sql,
  type Transaction,
} from 'kysely';
import type { ActivationTable, Database } from '../../store/schema.js';
import type { SqlDialectName } from '../../store/store.js';
import type {
  ActivationQueue,
  ActivationRequest,
  ClaimedActivation,
  ClaimedBatch,
  ClaimOptions,
  Settlement,
} from './activation-queue.js';

/** Rows per INSERT and ids per IN list; well under SQLite's limit of bound variables. */
const CHUNK_SIZE = 1000;

type Executor = Kysely<Database> | Transaction<Database>;

/** Keeps a waiting row (alias `waiting`) only when no row of its key is claimed. */
function noClaimedRowOfKey({
  not,
  exists,
  selectFrom,
}: ExpressionBuilder<Database & { waiting: ActivationTable }, 'waiting'>) {
  return not(
    exists(
      selectFrom('activations as flying')
        .select('flying.id')
        .whereRef('flying.connector_id', '=', 'waiting.connector_id')
        .whereRef('flying.destination_key', '=', 'waiting.destination_key')
        .whereRef('flying.profile_id', '=', 'waiting.profile_id')
        .where('flying.in_flight', '=', 1),
    ),
  );
}

function chunks<T>(items: T[], size = CHUNK_SIZE): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }

  return result;
}

/**
 * The activation queue in the store's `activations` table, through Kysely: the queue of a
 * PostgreSQL store, and the base of the SQLite one. Claims and settlements run in transactions,
 * so a crash leaves every activation either waiting or claimed, and `recover()` returns claimed
 * ones to waiting.
 */
export class SqlActivationQueue implements ActivationQueue {
  constructor(
    protected readonly db: Kysely<Database>,
    /** On PostgreSQL, claims lock their rows and skip rows other workers locked. */
    private readonly dialect: SqlDialectName = 'sqlite',
  ) {}

  async enqueue(requests: ActivationRequest[], now: number): Promise<void> {
    if (requests.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunks(requests)) {
        await trx
          .insertInto('activations')
          .values(
            chunk.map((request) => ({
              connector_id: request.connectorId,
              destination_key: request.destinationKey,
              destination: JSON.stringify(request.destination),
              profile_id: request.profileId,
              operation: request.operation,
              profile: JSON.stringify(request.profile),
              in_flight: 0 as const,
              batch_id: null,
              attempts: 0,
              next_attempt_at: now,
              enqueued_at: now,
              first_enqueued_at: now,
              last_error: null,
            })),
          )
          .onConflict((conflict) =>
            conflict
              .columns(['connector_id', 'destination_key', 'profile_id', 'in_flight'])
              .doUpdateSet((eb) => ({
                operation: eb.ref('excluded.operation'),
                profile: eb.ref('excluded.profile'),
                destination: eb.ref('excluded.destination'),
                attempts: 0,
                next_attempt_at: eb.ref('excluded.next_attempt_at'),
                enqueued_at: eb.ref('excluded.enqueued_at'),
                last_error: null,
              })),
          )
          .execute();
      }
    });
  }

  async claim(options: ClaimOptions): Promise<ClaimedBatch | undefined> {
    const group = await this.#readyGroup(options);
    if (!group) return undefined;
    const batchId = randomUUID();

    const rows = await this.db.transaction().execute(async (trx) => {
      const candidates = trx
        .selectFrom('activations as waiting')
        .select('waiting.id')
        .where('waiting.connector_id', '=', options.connectorId)
        .where('waiting.destination_key', '=', group.destination_key)
        .where('waiting.operation', '=', group.operation)
        .where('waiting.in_flight', '=', 0)
        .where('waiting.next_attempt_at', '<=', options.now)
        .where(noClaimedRowOfKey)
        // The ready index yields rows in this order, so the scan stops at the batch size.
        .orderBy('waiting.next_attempt_at')
        .limit(options.maxBatchSize)
        .$if(this.dialect === 'postgres', (query) => query.forUpdate().skipLocked());
      return trx
        .updateTable('activations')
        .set({ in_flight: 1, batch_id: batchId })
        .where('id', 'in', candidates)
        .returningAll()
        .execute();
    });
    return toClaimedBatch(batchId, rows);
  }

  async heldBatch(batchId: string): Promise<ClaimedBatch | undefined> {
    const rows = await this.db
      .selectFrom('activations')
      .selectAll()
      .where('batch_id', '=', batchId)
      .execute();

    return toClaimedBatch(batchId, rows);
  }

  /**
   * The group (destination and operation) of the activation waiting longest, when it is full or
   * lingered long enough. Both reads use an index and stop early, so a claim costs the same with
   * a million rows waiting as with a thousand. A full group behind a younger oldest one waits at
   * most the linger time.
   */
  async #readyGroup(options: ClaimOptions) {
    // A row whose key is still in flight cannot be claimed, so it must not choose the group:
    // behind a batch held for a partner's confirmation, it would stop every other group.
    const oldest = await this.db
      .selectFrom('activations as waiting')
      .select(['destination_key', 'operation', 'next_attempt_at'])
      .where('waiting.connector_id', '=', options.connectorId)
      .where('waiting.in_flight', '=', 0)
      .where('waiting.next_attempt_at', '<=', options.now)
      .where(noClaimedRowOfKey)
      .orderBy('waiting.next_attempt_at')
      .limit(1)
      .executeTakeFirst();
    if (!oldest) return undefined;
    if (options.now - Number(oldest.next_attempt_at) >= options.lingerMs) return oldest;
    const members = this.db
      .selectFrom('activations')
      .select('id')
      .where('connector_id', '=', options.connectorId)
      .where('destination_key', '=', oldest.destination_key)
      .where('operation', '=', oldest.operation)
      .where('in_flight', '=', 0)
      .where('next_attempt_at', '<=', options.now)
      .limit(options.maxBatchSize);
    const row = await this.db
      .selectFrom(members.as('members'))
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();

    return Number(row.count) >= options.maxBatchSize ? oldest : undefined;
  }

  async settle(batch: ClaimedBatch, settlements: Settlement[], trx: Transaction<Database>) {
    const done = settlements.filter((settlement) => settlement.action === 'done');
    if (done.length === batch.activations.length) {
      // The common case: the whole batch is finished, so one statement removes it.
      await trx.deleteFrom('activations').where('batch_id', '=', batch.batchId).execute();

      return;
    }
    for (const chunk of chunks(done.map((settlement) => settlement.key))) {
      await trx
        .deleteFrom('activations')
        .where('batch_id', '=', batch.batchId)
        .where('profile_id', 'in', chunk)
        .execute();
    }
    const back = settlements.filter(
      (settlement) => settlement.action === 'retry' || settlement.action === 'release',
    );
    await this.#dropSuperseded(
      trx,
      batch,
      back.map((settlement) => settlement.key),
    );
    for (const settlement of back) {
      const update =
        settlement.action === 'retry'
          ? {
              in_flight: 0 as const,
              batch_id: null,
              attempts: sql<number>`attempts + 1`,
              next_attempt_at: settlement.nextAttemptAt,
              last_error: settlement.lastError,
            }
          : { in_flight: 0 as const, batch_id: null };
      // The connector and destination let the key index find the row. With batch_id alone,
      // each statement would scan the whole batch, and a failed batch of 10,000 would take
      // seconds, during which SQLite blocks the event loop.
      await trx
        .updateTable('activations')
        .set(update)
        .where('connector_id', '=', batch.connectorId)
        .where('destination_key', '=', batch.destinationKey)
        .where('profile_id', '=', settlement.key)
        .where('batch_id', '=', batch.batchId)
        .execute();
    }
  }

  /** Deletes claimed rows whose key got a newer desired state while they were in flight. */
  async #dropSuperseded(trx: Executor, batch: ClaimedBatch, keys: string[]) {
    for (const chunk of chunks(keys)) {
      await trx
        .deleteFrom('activations as flying')
        .where('flying.batch_id', '=', batch.batchId)
        .where('flying.profile_id', 'in', chunk)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('activations as waiting')
              .select('waiting.id')
              .where('waiting.connector_id', '=', batch.connectorId)
              .where('waiting.destination_key', '=', batch.destinationKey)
              .whereRef('waiting.profile_id', '=', 'flying.profile_id')
              .where('waiting.in_flight', '=', 0),
          ),
        )
        .execute();
    }
  }

  async discardWaiting(connectorId: string, trx: Transaction<Database>): Promise<number> {
    const result = await trx
      .deleteFrom('activations')
      .where('connector_id', '=', connectorId)
      .where('in_flight', '=', 0)
      .executeTakeFirst();

    return Number(result.numDeletedRows);
  }

  async shiftAge(connectorId: string, pausedMs: number): Promise<void> {
    await this.db
      .updateTable('activations')
      .set({ enqueued_at: sql<number>`enqueued_at + ${Math.round(pausedMs)}` })
      .where('connector_id', '=', connectorId)
      .execute();
  }

  async pendingRetry(connectorId: string): Promise<number> {
    const row = await this.db
      .selectFrom('activations')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('connector_id', '=', connectorId)
      .where('in_flight', '=', 0)
      .where('attempts', '>', 0)
      .executeTakeFirstOrThrow();

    return Number(row.count);
  }

  async pending(connectorId?: string): Promise<number> {
    let query = this.db
      .selectFrom('activations')
      .select((eb) => eb.fn.countAll<number>().as('count'));
    if (connectorId) query = query.where('connector_id', '=', connectorId);
    const row = await query.executeTakeFirstOrThrow();

    return Number(row.count);
  }

  async recover(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('activations as flying')
        .where('flying.in_flight', '=', 1)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('pending_confirmations')
                .select('pending_confirmations.batch_id')
                .whereRef('pending_confirmations.batch_id', '=', 'flying.batch_id'),
            ),
          ),
        )
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('activations as waiting')
              .select('waiting.id')
              .whereRef('waiting.connector_id', '=', 'flying.connector_id')
              .whereRef('waiting.destination_key', '=', 'flying.destination_key')
              .whereRef('waiting.profile_id', '=', 'flying.profile_id')
              .where('waiting.in_flight', '=', 0),
          ),
        )
        .execute();
      const result = await trx
        .updateTable('activations')
        .set({ in_flight: 0, batch_id: null })
        .where('in_flight', '=', 1)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('pending_confirmations')
                .select('pending_confirmations.batch_id')
                .whereRef('pending_confirmations.batch_id', '=', 'activations.batch_id'),
            ),
          ),
        )
        .executeTakeFirst();

      return Number(result.numUpdatedRows);
    });
  }

  /**
   * Walks the distinct connector ids through the key index, one lookup per connector, instead
   * of a DISTINCT that reads every waiting row (about 80 ms at a million on SQLite, run at every
   * delivery tick).
   */
  async connectorsWithWork(): Promise<string[]> {
    const result = await sql<{ id: string }>`
      with recursive connectors (id) as (
        select min(connector_id) from activations
        union all
        select (select min(connector_id) from activations where connector_id > connectors.id)
        from connectors where connectors.id is not null
      )
      select id from connectors where id is not null and exists (
        select 1 from activations where connector_id = connectors.id and in_flight = 0)`.execute(
      this.db,
    );

    return result.rows.map((row) => row.id);
  }
}

function toClaimedBatch(
  batchId: string,
  rows: Selectable<ActivationTable>[],
): ClaimedBatch | undefined {
  const first = rows[0];
  if (!first) return undefined;

  return {
    batchId,
    connectorId: first.connector_id,
    destinationKey: first.destination_key,
    destination: JSON.parse(first.destination) as Record<string, unknown>,
    operation: first.operation,
    activations: rows.map((row): ClaimedActivation => ({
      key: row.profile_id,
      connectorId: row.connector_id,
      destination: JSON.parse(row.destination) as Record<string, unknown>,
      destinationKey: row.destination_key,
      profileId: row.profile_id,
      operation: row.operation,
      profile: JSON.parse(row.profile) as ClaimedActivation['profile'],
      attempts: row.attempts,
      enqueuedAt: row.enqueued_at,
    })),
  };
}
