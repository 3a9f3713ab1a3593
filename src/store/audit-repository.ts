import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** One audit entry; `changes` never holds a secret value. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  changes: Record<string, unknown>;
}

type Executor = Kysely<Database> | Transaction<Database>;

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: AuditEntry, executor: Executor = this.db): Promise<void> {
    await executor
      .insertInto('audit_log')
      .values({
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId,
        changes: JSON.stringify(entry.changes),
      })
      .execute();
  }

  /** Returns entries newest first, optionally for one entity id. */
  async list(options: { limit: number; entityId?: string }): Promise<AuditEntry[]> {
    let query = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.entityId) query = query.where('entity_id', '=', options.entityId);
    const rows = await query.execute();

    return rows.map((row) => ({
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      changes: JSON.parse(row.changes) as Record<string, unknown>,
    }));
  }
}
