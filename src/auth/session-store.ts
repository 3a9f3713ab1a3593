import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** How long a console session lasts without a new sign-in: 12 hours. */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

function hashOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/**
 * Console sessions. The browser holds only a random id; the store keeps its hash, so a copy of
 * the database cannot be used to sign in.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(actor: string): Promise<string> {
    const sessionId = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashOf(sessionId),
        actor,
        created_at: new Date(this.now()).toISOString(),
        expires_at: this.now() + SESSION_LIFETIME_MS,
      })
      .execute();

    return sessionId;
  }

  /** Returns the actor of a live session, or undefined for an unknown or expired one. */
  async actorOf(sessionId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['actor', 'expires_at'])
      .where('id_hash', '=', hashOf(sessionId))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;

    return row.actor;
  }

  async end(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashOf(sessionId)).execute();
  }

  async pruneExpired(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', this.now()).execute();
  }
}
