import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Database } from '../../store/schema.js';
import type {
  ActivationRequest,
  ClaimedActivation,
  ClaimedBatch,
  ClaimOptions,
  Settlement,
} from './activation-queue.js';
import { SqlActivationQueue } from './sql-activation-queue.js';
import { prepareSqliteQueueStatements, type SqliteQueueStatements } from './sqlite-queue-sql.js';

/**
 * Statements on SQLite run synchronously, so long loops let other work run between slices of
 * this many rows. The open transaction keeps the connection meanwhile.
 */
const ROWS_BETWEEN_YIELDS = 500;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function slices<T>(items: T[], size = ROWS_BETWEEN_YIELDS): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }

  return result;
}

/** A claimed row: its id, and whether a newer state made the store mark it in flight. */
interface ClaimedRow {
  id: number;
  keyText: string;
  markedInFlight: boolean;
}

/** Returns the destination as JSON, serialized once per connector and destination key. */
function destinationJson(cache: Map<string, string>, request: ActivationRequest): string {
  const cacheKey = `${request.connectorId}\u0001${request.destinationKey}`;
  let json = cache.get(cacheKey);
  if (json === undefined) {
    json = JSON.stringify(request.destination);
    cache.set(cacheKey, json);
  }

  return json;
}

function keyTextOf(connectorId: string, destinationKey: string, profileId: string): string {
  return `${connectorId}\u0001${destinationKey}\u0001${profileId}`;
}

let temporaryTables = 0;

/**
 * The embedded queue on SQLite, for the one process that owns the data directory. A claim
 * leaves its rows unchanged in the store and lists their ids in a temporary table, which lives
 * on the connection only. Each activation then costs one insert and one delete, without an
 * update that rewrites three indexes in between. A crash loses the temporary table, which
 * returns every claimed row to waiting, as `recover()` does for rows marked in flight.
 *
 * Rows are marked in flight (`in_flight = 1`) only when they must outlive the claim. That
 * happens when a newer state of the same key arrives while its batch is out, and the newer state
 * then waits in a second row. It also happens when a batch is held for a partner's confirmation. Batches read back with
 * `heldBatch()` settle through the shared SQL path.
 */
export class SqliteActivationQueue extends SqlActivationQueue {
  readonly #statements: SqliteQueueStatements;
  /** Claimed batches of this process, by batch id. */
  readonly #claims = new Map<string, Map<string, ClaimedRow>>();
  /** The claimed row of each key in flight, to mark it when a newer state arrives. */
  readonly #flying = new Map<string, ClaimedRow & { batchId: string }>();

  constructor(db: Kysely<Database>, sqlite: SqliteDatabase) {
    super(db, 'sqlite');
    temporaryTables += 1;
    this.#statements = prepareSqliteQueueStatements(sqlite, `activation_claims_${temporaryTables}`);
  }

  override async enqueue(requests: ActivationRequest[], now: number): Promise<void> {
    if (requests.length === 0) return;
    const destinations = new Map<string, string>();
    const marked: ClaimedRow[] = [];
    try {
      await this.db.transaction().execute(async () => {
        for (const [index, slice] of slices(requests).entries()) {
          if (index > 0) await yieldToEventLoop();
          marked.push(...this.#markSuperseded(slice));
          const rows = slice.map((request) => [
            request.connectorId,
            request.destinationKey,
            destinationJson(destinations, request),
            request.profileId,
            request.operation,
            JSON.stringify(request.profile),
          ]);
          this.#statements.upsertWaiting.run({ rows: JSON.stringify(rows), now });
        }
      });
    } catch (error) {
      // The marks rolled back with the transaction.
      for (const row of marked) row.markedInFlight = false;
      throw error;
    }
  }

  /**
   * Marks the claimed rows of keys that get a newer state in flight, so the upsert that follows
   * adds a second, waiting row instead of overwriting the one being sent.
   */
  #markSuperseded(requests: ActivationRequest[]): ClaimedRow[] {
    const marked: ClaimedRow[] = [];
    if (this.#flying.size === 0) return marked;
    for (const request of requests) {
      const keyText = keyTextOf(request.connectorId, request.destinationKey, request.profileId);
      const row = this.#flying.get(keyText);
      if (!row || row.markedInFlight) continue;
      // A claim whose settlement committed stays in memory until settled(), but its row is no
      // longer claimed, so the upsert may overwrite it.
      const { changes } = this.#statements.markInFlight.run({ id: row.id, batchId: row.batchId });
      if (changes === 0) continue;
      row.markedInFlight = true;
      marked.push(row);
    }

    return marked;
  }

  /**
   * Claims in a transaction that also writes the batch's row in `activation_claims`. A store that
   * cannot take writes therefore fails the claim before anything is sent. The claim enters
   * memory as it is made, so an enqueue never overwrites a claimed row, and leaves it when the
   * transaction fails.
   */
  override async claim(options: ClaimOptions): Promise<ClaimedBatch | undefined> {
    let batch: ClaimedBatch | undefined;
    try {
      return await this.db.transaction().execute(async () => {
        batch = this.#claimNow(options);

        return batch;
      });
    } catch (error) {
      const claimed = batch && this.#claims.get(batch.batchId);
      if (claimed) this.#forgetInMemory(batch!.batchId, claimed);
      throw error;
    }
  }

  #claimNow(options: ClaimOptions): ClaimedBatch | undefined {
    const statements = this.#statements;
    // Rows marked in flight are rare: a newer state arrived, or a batch waits for a partner's
    // confirmation. Only then does each waiting row need a look for its key's marked row.
    const anyMarked = statements.anyMarked.get(options) !== undefined;
    const oldest = anyMarked
      ? statements.oldestWaitingBehindMarked.get(options)
      : statements.oldestWaiting.get(options);
    if (!oldest) return undefined;
    const group = { ...options, ...oldest, limit: options.maxBatchSize };
    if (options.now - oldest.nextAttemptAt < options.lingerMs) {
      const { count } = statements.countGroup.get(group)!;
      if (count < options.maxBatchSize) return undefined;
    }
    const select = anyMarked ? statements.selectGroupBehindMarked : statements.selectGroup;
    const rows = select.all(group);
    const first = rows[0];
    if (!first) return undefined;
    const batchId = randomUUID();
    statements.addClaims.run({ ids: JSON.stringify(rows.map((row) => row.id)) });
    statements.journalClaim.run({
      batchId,
      connectorId: options.connectorId,
      activations: rows.length,
      claimedAt: options.now,
    });
    const destination = JSON.parse(first.destination) as Record<string, unknown>;
    const claimed = new Map<string, ClaimedRow>();
    const activations = rows.map((row): ClaimedActivation => {
      const keyText = keyTextOf(options.connectorId, oldest.destinationKey, row.profileId);
      const claimedRow = { id: row.id, keyText, markedInFlight: false };
      claimed.set(row.profileId, claimedRow);
      this.#flying.set(keyText, Object.assign(claimedRow, { batchId }));

      return {
        key: row.profileId,
        connectorId: options.connectorId,
        destination,
        destinationKey: oldest.destinationKey,
        profileId: row.profileId,
        operation: oldest.operation,
        profile: JSON.parse(row.profile) as ClaimedActivation['profile'],
        attempts: row.attempts,
        enqueuedAt: row.enqueuedAt,
      };
    });
    this.#claims.set(batchId, claimed);

    return {
      batchId,
      connectorId: options.connectorId,
      destinationKey: oldest.destinationKey,
      destination,
      operation: oldest.operation,
      activations,
    };
  }

  /**
   * Settles a batch claimed by this process by its row ids. Any other batch, such as one read
   * back with heldBatch(), settles through the shared SQL path. The claim stays in memory until
   * settled(), because the caller's transaction may still roll back. The caller then settles the
   * same batch again.
   */
  override async settle(
    batch: ClaimedBatch,
    settlements: Settlement[],
    trx: Transaction<Database>,
  ): Promise<void> {
    const statements = this.#statements;
    let claimed = this.#claims.get(batch.batchId);
    if (claimed && !statements.claimJournaled.get({ batchId: batch.batchId })) {
      // An earlier settlement of this batch committed, and settled() has not run yet.
      this.#forgetInMemory(batch.batchId, claimed);
      claimed = undefined;
    }
    if (!claimed) return super.settle(batch, settlements, trx);
    const removed: number[] = [];
    const holding: number[] = [];
    const retried: { settlement: Settlement & { action: 'retry' }; id: number }[] = [];
    for (const settlement of settlements) {
      const row = claimed.get(settlement.key);
      if (!row) continue;
      // A newer state waits in its own row: a retry or release of this one is dropped.
      if (settlement.action === 'done' || (row.markedInFlight && settlement.action !== 'hold'))
        removed.push(row.id);
      else if (settlement.action === 'hold') holding.push(row.id);
      else if (settlement.action === 'retry') retried.push({ settlement, id: row.id });
      // A release of an unmarked row needs no write: the row never stopped waiting.
    }
    statements.deleteRows.run({ ids: JSON.stringify(removed) });
    if (holding.length > 0)
      statements.holdRows.run({ ids: JSON.stringify(holding), batchId: batch.batchId });
    for (const [index, slice] of slices(retried).entries()) {
      if (index > 0) await yieldToEventLoop();
      const rows = slice.map(({ settlement, id }) => [
        id,
        settlement.nextAttemptAt,
        settlement.lastError,
      ]);
      statements.retryRows.run({ rows: JSON.stringify(rows) });
    }
    this.#endClaimInStore(batch.batchId, claimed);
  }

  /** Drops the claim from memory once its settlement committed. */
  async settled(batch: ClaimedBatch): Promise<void> {
    const claimed = this.#claims.get(batch.batchId);
    if (claimed) this.#forgetInMemory(batch.batchId, claimed);
  }

  /** Ends a claim in the store, inside the caller's transaction. */
  #endClaimInStore(batchId: string, claimed: Map<string, ClaimedRow>) {
    const ids = [...claimed.values()].map((row) => row.id);
    this.#statements.removeClaims.run({ ids: JSON.stringify(ids) });
    this.#statements.clearClaim.run({ batchId });
  }

  #forgetInMemory(batchId: string, claimed: Map<string, ClaimedRow>) {
    // A later claim of the same key may already have replaced this row in #flying.
    for (const row of claimed.values()) {
      if (this.#flying.get(row.keyText) === row) this.#flying.delete(row.keyText);
    }
    this.#claims.delete(batchId);
  }

  override async discardWaiting(connectorId: string): Promise<number> {
    return this.#statements.discardWaiting.run({ connectorId }).changes;
  }

  override async pendingRetry(connectorId: string): Promise<number> {
    return this.db
      .connection()
      .execute(async () => this.#statements.countRetries.get({ connectorId })!.count);
  }

  /** Forgets this process's claims, then returns rows marked in flight as the SQL queue does. */
  override async recover(): Promise<number> {
    let released = 0;
    await this.db.transaction().execute(async () => {
      for (const [batchId, claimed] of this.#claims) {
        for (const row of claimed.values()) if (!row.markedInFlight) released += 1;
        this.#endClaimInStore(batchId, claimed);
        this.#forgetInMemory(batchId, claimed);
      }
      // Rows of a previous process: its claims ended with it.
      this.#statements.clearAllClaims.run();
    });

    return released + (await super.recover());
  }
}
