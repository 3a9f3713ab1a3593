import { randomBytes } from 'node:crypto';
import type { SimulatorState } from '../simulator-state.js';
import { noAuthError, unauthError } from './xandr-error.js';

/** Maximum number of session tokens kept. The least recently used ones are dropped first. */
const MAX_SESSIONS = 10_000;

export interface XandrSessionOptions {
  /** A token expires this long after its last use (Xandr: 2 hours). */
  idleMs: number;
  /** A token expires this long after the login, whatever its use (Xandr: 24 hours). */
  maxAgeMs: number;
  now: () => number;
}

interface Session {
  username: string;
  createdMs: number;
  lastUsedMs: number;
}

/** Session tokens handed out by the simulated `POST /auth`. */
export class XandrSessions {
  readonly #sessions = new Map<string, Session>();

  constructor(private readonly options: XandrSessionOptions) {}

  /** Starts a session for `username` and returns its token. */
  create(username: string): string {
    const token = randomBytes(13).toString('hex');
    const now = this.options.now();
    this.#sessions.set(token, { username, createdMs: now, lastUsedMs: now });
    if (this.#sessions.size > MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }

    return token;
  }

  /**
   * Checks the token of a request and records its use. Throws `NOAUTH` for a missing, unknown,
   * idle, too old or `expired`-marked token, and `UNAUTH` for one marked `missing_permission`.
   */
  use(state: SimulatorState, token: string | undefined): void {
    if (!token) throw noAuthError('Authentication failed - not logged in');

    const session = this.#sessions.get(token);
    const now = this.options.now();
    const isExpired =
      session === undefined ||
      now - session.lastUsedMs > this.options.idleMs ||
      now - session.createdMs > this.options.maxAgeMs;
    if (isExpired || state.getTokenState('xandr', token) === 'expired') {
      this.#sessions.delete(token);
      throw noAuthError('Authentication failed - not logged in');
    }
    if (state.getTokenState('xandr', token) === 'missing_permission') {
      throw unauthError('You do not have permission to use this service.');
    }

    // Re-inserting keeps the map in order of last use, so the oldest entry is the least used.
    this.#sessions.delete(token);
    this.#sessions.set(token, { ...session, lastUsedMs: now });
  }
}
