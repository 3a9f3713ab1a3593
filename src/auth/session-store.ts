import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, TokenRole } from '../store/schema.js';

/** How long a console session lasts without a new sign-in: 12 hours. */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A live console session: who signed in, with which role. */
export interface SessionIdentity {
  actor: string;
  role: TokenRole;
  /** Tells whether `csrfToken` is the session's CSRF token, in constant time. */
  checkCsrf(csrfToken: string | undefined): boolean;
}

/**
 * Console sessions. The browser keeps only a random id and a CSRF token, and the store keeps
 * their hashes, so a copy of the database cannot be used to sign in.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(actor: string, role: TokenRole): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashOf(sessionId),
        actor,
        role,
        csrf_hash: hashOf(csrfToken),
        created_at: new Date(this.now()).toISOString(),
        expires_at: this.now() + SESSION_LIFETIME_MS,
      })
      .execute();

    return { sessionId, csrfToken };
  }

  /** Returns a live session, or undefined for an unknown or expired one. */
  async find(sessionId: string): Promise<SessionIdentity | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['actor', 'role', 'csrf_hash', 'expires_at'])
      .where('id_hash', '=', hashOf(sessionId))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;
    const expected = Buffer.from(row.csrf_hash ?? '', 'hex');

    return {
      actor: row.actor,
      role: row.role,
      checkCsrf: (csrfToken) => {
        if (!csrfToken || expected.length === 0) return false;

        return timingSafeEqual(Buffer.from(hashOf(csrfToken), 'hex'), expected);
      },
    };
  }

  async end(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashOf(sessionId)).execute();
  }

  /** Ends every session of a token (it was revoked). */
  async endFor(actor: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('actor', '=', actor).execute();
  }

  async pruneExpired(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', this.now()).execute();
  }
}
