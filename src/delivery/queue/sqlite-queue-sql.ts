import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';

/** The oldest waiting activation of a connector that no batch of this process claimed. */
interface OldestWaiting {
  destinationKey: string;
  operation: 'add' | 'remove';
  nextAttemptAt: number;
}

interface GroupRow {
  id: number;
  profileId: string;
  profile: string;
  destination: string;
  attempts: number;
  enqueuedAt: number;
}

interface ConnectorAt {
  connectorId: string;
  now: number;
}

interface GroupAt extends ConnectorAt {
  destinationKey: string;
  operation: string;
  limit: number;
}

/** The prepared statements of the SQLite queue; `ids` and `rows` parameters are JSON arrays. */
export interface SqliteQueueStatements {
  upsertWaiting: Statement<[{ rows: string; now: number }]>;
  markInFlight: Statement<[{ id: number; batchId: string }]>;
  oldestWaiting: Statement<[ConnectorAt], OldestWaiting>;
  oldestWaitingBehindMarked: Statement<[ConnectorAt], OldestWaiting>;
  countGroup: Statement<[GroupAt], { count: number }>;
  anyMarked: Statement<[{ connectorId: string }], { marked: number }>;
  selectGroup: Statement<[GroupAt], GroupRow>;
  selectGroupBehindMarked: Statement<[GroupAt], GroupRow>;
  addClaims: Statement<[{ ids: string }]>;
  removeClaims: Statement<[{ ids: string }]>;
  deleteRows: Statement<[{ ids: string }]>;
  holdRows: Statement<[{ ids: string; batchId: string }]>;
  retryRows: Statement<[{ rows: string }]>;
  discardWaiting: Statement<[{ connectorId: string }]>;
  journalClaim: Statement<
    [{ batchId: string; connectorId: string; activations: number; claimedAt: number }]
  >;
  clearClaim: Statement<[{ batchId: string }]>;
  claimJournaled: Statement<[{ batchId: string }], { journaled: number }>;
  clearAllClaims: Statement<[]>;
  countRetries: Statement<[{ connectorId: string }], { count: number }>;
}

/**
 * Creates the connection's temporary table of claimed row ids and prepares the statements that
 * use it. Each statement takes a whole slice of rows as one JSON parameter (read with
 * `json_each`), which costs less than a statement run per row.
 */
export function prepareSqliteQueueStatements(
  sqlite: SqliteDatabase,
  claimsTable: string,
): SqliteQueueStatements {
  const claims = `temp.${claimsTable}`;
  sqlite.exec(`create temp table if not exists ${claimsTable} (id integer primary key)`);
  const unclaimed = `id not in (select id from ${claims})`;
  const selectWaiting = `
    select waiting.id, profile_id as profileId, profile, destination, attempts,
      enqueued_at as enqueuedAt
    from activations as waiting indexed by activations_ready`;
  const waitingInGroup = `connector_id = @connectorId and destination_key = @destinationKey
    and operation = @operation and in_flight = 0 and next_attempt_at <= @now and ${unclaimed}`;
  const noMarkedRowOfKey = `not exists (select 1 from activations as flying
      where flying.connector_id = waiting.connector_id
        and flying.destination_key = waiting.destination_key
        and flying.profile_id = waiting.profile_id and flying.in_flight = 1)`;
  const selectOldest = `
    select destination_key as destinationKey, operation, next_attempt_at as nextAttemptAt
    from activations as waiting indexed by activations_ready
    where connector_id = @connectorId and in_flight = 0 and next_attempt_at <= @now
      and ${unclaimed}`;

  return {
    // The waiting row of a key takes the newest desired state, with its attempts reset.
    upsertWaiting: sqlite.prepare(`
      insert into activations (connector_id, destination_key, destination, profile_id,
        operation, profile, in_flight, batch_id, attempts, next_attempt_at, enqueued_at,
        first_enqueued_at, last_error)
      select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
        0, null, 0, @now, @now, @now, null
      from json_each(@rows) where true
      on conflict (connector_id, destination_key, profile_id, in_flight) do update set
        operation = excluded.operation, profile = excluded.profile,
        destination = excluded.destination, attempts = 0,
        next_attempt_at = excluded.next_attempt_at, enqueued_at = excluded.enqueued_at,
        last_error = null`),
    // Changes no row once the claim ended in a committed settlement or rolled back.
    markInFlight: sqlite.prepare(`
      update activations set in_flight = 1, batch_id = @batchId
      where id = @id and in_flight = 0 and id in (select id from ${claims})`),
    // The ready index yields rows in next-attempt order, so these reads stop early.
    oldestWaiting: sqlite.prepare(`${selectOldest} order by next_attempt_at limit 1`),
    // A row behind a marked row of its key cannot be claimed, so it must not choose the group.
    // Otherwise a newer state behind a held batch keeps every other group of the connector waiting.
    oldestWaitingBehindMarked: sqlite.prepare(`${selectOldest} and ${noMarkedRowOfKey}
      order by next_attempt_at limit 1`),
    countGroup: sqlite.prepare(`
      select count(*) as count from (
        select id from activations indexed by activations_ready
        where ${waitingInGroup} limit @limit)`),
    anyMarked: sqlite.prepare(`
      select 1 as marked from activations indexed by activations_ready
      where connector_id = @connectorId and in_flight = 1 limit 1`),
    selectGroup: sqlite.prepare(`${selectWaiting} where ${waitingInGroup}
      order by next_attempt_at limit @limit`),
    // A key whose earlier state is marked in flight waits until that batch settles.
    selectGroupBehindMarked: sqlite.prepare(`${selectWaiting} where ${waitingInGroup}
        and ${noMarkedRowOfKey}
      order by next_attempt_at limit @limit`),
    addClaims: sqlite.prepare(`insert into ${claims} (id) select value from json_each(@ids)`),
    removeClaims: sqlite.prepare(
      `delete from ${claims} where id in (select value from json_each(@ids))`,
    ),
    deleteRows: sqlite.prepare(
      'delete from activations where id in (select value from json_each(@ids))',
    ),
    holdRows: sqlite.prepare(`
      update activations set in_flight = 1, batch_id = @batchId
      where id in (select value from json_each(@ids))`),
    retryRows: sqlite.prepare(`
      update activations set attempts = attempts + 1, next_attempt_at = retry.value ->> 1,
        last_error = retry.value ->> 2
      from json_each(@rows) as retry where activations.id = retry.value ->> 0`),
    discardWaiting: sqlite.prepare(
      `delete from activations where connector_id = @connectorId and in_flight = 0
        and ${unclaimed}`,
    ),
    journalClaim: sqlite.prepare(`
      insert into activation_claims (batch_id, connector_id, activations, claimed_at)
      values (@batchId, @connectorId, @activations, @claimedAt)`),
    clearClaim: sqlite.prepare('delete from activation_claims where batch_id = @batchId'),
    claimJournaled: sqlite.prepare(
      'select 1 as journaled from activation_claims where batch_id = @batchId',
    ),
    clearAllClaims: sqlite.prepare('delete from activation_claims'),
    countRetries: sqlite.prepare(`
      select count(*) as count from activations
      where connector_id = @connectorId and in_flight = 0 and attempts > 0 and ${unclaimed}`),
  };
}
