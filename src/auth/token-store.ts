import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/app-error.js';
import type { Database, TokenRole } from '../store/schema.js';

export const TOKEN_ROLES: readonly TokenRole[] = ['admin', 'viewer'];

/** The name of the token from `ACTIVATOR_API_TOKEN` or the generated token file. */
export const BOOTSTRAP_TOKEN_NAME = 'default';

const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** The cache is reloaded this often anyway, so a revocation made elsewhere applies, in ms. */
const RELOAD_EVERY_MS = 5_000;
/** `last_used_at` is written at most this often per token, in ms. */
const TOUCH_EVERY_MS = 60_000;

/** The owner of a verified token: its name and role. */
export interface TokenIdentity {
  name: string;
  role: TokenRole;
}

export interface TokenSummary {
  name: string;
  role: TokenRole;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface CachedToken extends TokenIdentity {
  digest: Buffer;
  touchedAt: number;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Named API tokens with roles. Only SHA-256 digests are stored; tokens are 256-bit random
 * values, so a plain digest cannot be reversed. Verification compares the presented token's
 * digest with every cached digest in constant time. An unknown digest is looked up in the
 * table, because another process may have created the token.
 */
export class TokenStore {
  #cache: CachedToken[] = [];
  #loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the bootstrap token as the admin token `default`, replacing an older one. */
  async ensureBootstrap(token: string): Promise<void> {
    const tokenHash = sha256(token).toString('hex');
    await this.db
      .insertInto('api_tokens')
      .values({
        name: BOOTSTRAP_TOKEN_NAME,
        role: 'admin',
        token_hash: tokenHash,
        created_at: new Date(this.now()).toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet({ token_hash: tokenHash, role: 'admin', revoked_at: null }),
      )
      .execute();
    await this.#load();
  }

  /** Creates a token and returns it; it is shown once and cannot be read back. */
  async create(name: string, role: TokenRole): Promise<string> {
    if (!TOKEN_NAME.test(name)) {
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        `Invalid token name '${name}': use 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.`,
      );
    }
    if (!TOKEN_ROLES.includes(role)) {
      throw new AppError('VALIDATION_FAILED', 400, `Invalid role '${role}': use admin or viewer.`);
    }
    const existing = await this.db
      .selectFrom('api_tokens')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    if (existing) {
      throw new AppError(
        'TOKEN_EXISTS',
        409,
        `A token named '${name}' exists already; revoke it or pick another name.`,
      );
    }
    const token = `act_${randomBytes(32).toString('base64url')}`;
    await this.db
      .insertInto('api_tokens')
      .values({
        name,
        role,
        token_hash: sha256(token).toString('hex'),
        created_at: new Date(this.now()).toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();

    return token;
  }

  async list(): Promise<TokenSummary[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('name').execute();

    return rows.map((row) => ({
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    }));
  }

  /** Revokes a token: at once in this process, within five seconds in the others. */
  async revoke(name: string): Promise<void> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date(this.now()).toISOString() })
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new AppError(
        'NOT_FOUND',
        404,
        `No live token is named '${name}'; \`activator tokens list\` shows the names.`,
      );
    }
    await this.#load();
  }

  /** Returns the identity of a live token, or undefined for an unknown or revoked one. */
  async verify(presented: string): Promise<TokenIdentity | undefined> {
    const digest = sha256(presented);
    if (this.now() - this.#loadedAt >= RELOAD_EVERY_MS) await this.#load();
    const match = this.#match(digest) ?? (await this.#lookUp(digest));
    if (match && this.now() - match.touchedAt >= TOUCH_EVERY_MS) {
      match.touchedAt = this.now();
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: new Date(this.now()).toISOString() })
        .where('name', '=', match.name)
        .execute();
    }

    return match ? { name: match.name, role: match.role } : undefined;
  }

  /** Compares with every live digest, so the time taken does not depend on which one matched. */
  #match(digest: Buffer): CachedToken | undefined {
    let found: CachedToken | undefined;
    for (const token of this.#cache) {
      if (timingSafeEqual(token.digest, digest)) found = token;
    }

    return found;
  }

  async #lookUp(digest: Buffer): Promise<CachedToken | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(['name', 'role'])
      .where('token_hash', '=', digest.toString('hex'))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const token = { ...row, digest, touchedAt: Number.NEGATIVE_INFINITY };
    this.#cache.push(token);

    return token;
  }

  async #load(): Promise<void> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(['name', 'role', 'token_hash'])
      .where('revoked_at', 'is', null)
      .execute();
    this.#loadedAt = this.now();
    this.#cache = rows.map((row) => ({
      name: row.name,
      role: row.role,
      digest: Buffer.from(row.token_hash, 'hex'),
      touchedAt: Number.NEGATIVE_INFINITY,
    }));
  }
}
