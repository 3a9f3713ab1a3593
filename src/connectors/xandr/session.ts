import { createHash } from 'node:crypto';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import { readLogin } from './api-response.js';
import type { XandrClient } from './client.js';

/** A login: the session token, or the response that refused it. */
type LoginResult = { token: string } | { refused: PartnerResponse };

/**
 * Logins by credential set, shared by every connector of the process. Xandr allows 10 successful
 * logins per 5 minutes and recommends a new login only after a `NOAUTH` error, so a token
 * is reused until a request is refused. A login in progress is shared by concurrent requests.
 */
const logins = new Map<string, Promise<LoginResult>>();

/**
 * A Xandr API session for one credential set: sends requests with the session token in the
 * `Authorization` header, and after a `NOAUTH` logs in again once and repeats the request.
 */
export class XandrSession {
  readonly #cacheKey: string;

  constructor(
    private readonly client: XandrClient,
    baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {
    // The key is a digest, so the map contains no password in readable form.
    this.#cacheKey = createHash('sha256')
      .update(JSON.stringify([baseUrl, username, password]))
      .digest('hex');
  }

  /**
   * Sends `request` with the session token. Returns the response of the request, or the login
   * response when Xandr refused the credentials. Throws `PartnerRequestError` when no response
   * arrived in time.
   */
  async send(request: (token: string) => Promise<PartnerResponse>): Promise<PartnerResponse> {
    const first = await this.#login(undefined);
    if ('refused' in first) return first.refused;
    const response = await request(first.token);
    if (!isNoAuth(response)) return response;

    const second = await this.#login(first.token);
    if ('refused' in second) return second.refused;

    return request(second.token);
  }

  /**
   * Returns the cached login, or logs in. With `staleToken`, a cached login with that token is
   * replaced by a new one, but a login that another request already renewed is reused.
   */
  async #login(staleToken: string | undefined): Promise<LoginResult> {
    const cached = logins.get(this.#cacheKey);
    if (cached) {
      const result = await cached.catch(() => undefined);
      const isUsable = result !== undefined && 'token' in result && result.token !== staleToken;
      if (isUsable) return result;
      if (logins.get(this.#cacheKey) !== cached) return this.#login(staleToken);
    }

    const pending = this.#requestLogin();
    logins.set(this.#cacheKey, pending);
    try {
      const result = await pending;
      if ('refused' in result) this.#forget(pending);

      return result;
    } catch (error) {
      this.#forget(pending);
      throw error;
    }
  }

  async #requestLogin(): Promise<LoginResult> {
    const response = await this.client.login(this.username, this.password);
    const login = readLogin(response);

    return login.ok ? { token: login.value } : { refused: response };
  }

  #forget(login: Promise<LoginResult>): void {
    if (logins.get(this.#cacheKey) === login) logins.delete(this.#cacheKey);
  }
}

/** True when Xandr returned `NOAUTH`: the session token is missing, invalid or expired. */
function isNoAuth(response: PartnerResponse): boolean {
  const body = parseJsonBody(response.text) as { response?: { error_id?: unknown } } | undefined;

  return body?.response?.error_id === 'NOAUTH';
}
