import { createHash } from 'node:crypto';
import type { PartnerHttpClient } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import type { ConnectorContext } from '../connector-type.js';
import { classifyTokenError, type Cm360ErrorClassification } from './error-codes.js';
import {
  CM360_API_ORIGIN,
  GOOGLE_TOKEN_URL,
  type Cm360Credentials,
  type Cm360Settings,
} from './schemas.js';

/**
 * The engine context, with the client for a second origin that this type needs for the OAuth
 * token endpoint.
 *
 * NOTE: `ConnectorContext` has no such client yet. Until the engine sets `httpFor`, the token
 * endpoint is reachable only when `tokenUrl` lies under `baseUrl`, as with the simulator.
 */
export interface Cm360Context extends ConnectorContext<Cm360Settings, Cm360Credentials> {
  /** Returns a client for `baseUrl` with the timeout, address guard, proxy and stop check of `http`. */
  httpFor?(baseUrl: string): PartnerHttpClient;
}

/** Error of a failed refresh token exchange. `classification` gives the reason and the retry decision. */
export class AccessTokenError extends Error {
  constructor(readonly classification: Cm360ErrorClassification) {
    super(classification.partnerMessage ?? classification.explanation);
    this.name = 'AccessTokenError';
  }
}

/** A client and request path that reach the token endpoint. */
export interface TokenEndpoint {
  http: PartnerHttpClient;
  /** Path and query of `tokenUrl` below the client's base URL. */
  path: string;
}

/**
 * Returns how to reach the connector's token URL: through `context.http` when the URL lies under
 * the API base URL (the simulator serves both), else through `context.httpFor`. Returns
 * `undefined` when neither applies.
 */
export function resolveTokenEndpoint(context: Cm360Context): TokenEndpoint | undefined {
  const tokenUrl = new URL(context.settings.tokenUrl ?? GOOGLE_TOKEN_URL);
  const apiBase = new URL(context.settings.baseUrl ?? CM360_API_ORIGIN);
  const apiPrefix = apiBase.pathname.replace(/\/+$/, '');
  if (tokenUrl.origin === apiBase.origin && tokenUrl.pathname.startsWith(`${apiPrefix}/`)) {
    return {
      http: context.http,
      path: tokenUrl.pathname.slice(apiPrefix.length) + tokenUrl.search,
    };
  }
  if (context.httpFor === undefined) return undefined;

  return { http: context.httpFor(tokenUrl.origin), path: tokenUrl.pathname + tokenUrl.search };
}

/** An access token and its lifetime, as the token endpoint issued it. */
export interface IssuedAccessToken {
  accessToken: string;
  /** `expires_in` of the token response, in seconds. */
  expiresInSeconds: number;
}

interface CachedAccessToken {
  accessToken: string;
  /** Time after which the token is exchanged again, in epoch milliseconds. */
  refreshAtMs: number;
}

/** Seconds before `expires_in` ends at which a cached token is exchanged again. */
const REFRESH_MARGIN_SECONDS = 60;

/**
 * Access tokens by credentials, shared by every batch of the process, so that a connector
 * exchanges its refresh token about once an hour and not once per batch. Concurrent requests for
 * the same credentials share one exchange.
 */
export class AccessTokenCache {
  readonly #tokens = new Map<string, CachedAccessToken>();
  readonly #pending = new Map<string, Promise<CachedAccessToken>>();

  constructor(
    private readonly maxEntries = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns a cached token that is not due for refresh, else the result of `exchange`. */
  async get(key: string, exchange: () => Promise<IssuedAccessToken>): Promise<string> {
    const cached = this.#tokens.get(key);
    if (cached !== undefined && cached.refreshAtMs > this.now()) return cached.accessToken;

    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#exchange(key, exchange);
      this.#pending.set(key, pending);
    }

    return (await pending).accessToken;
  }

  /** Drops `accessToken` from the cache after the API rejected it. A newer token is kept. */
  invalidate(key: string, accessToken: string): void {
    if (this.#tokens.get(key)?.accessToken === accessToken) this.#tokens.delete(key);
  }

  clear(): void {
    this.#tokens.clear();
  }

  async #exchange(
    key: string,
    exchange: () => Promise<IssuedAccessToken>,
  ): Promise<CachedAccessToken> {
    try {
      const issued = await exchange();
      const marginSeconds = Math.min(REFRESH_MARGIN_SECONDS, issued.expiresInSeconds / 2);
      const lifetimeMs = Math.max(0, issued.expiresInSeconds - marginSeconds) * 1000;
      const token = { accessToken: issued.accessToken, refreshAtMs: this.now() + lifetimeMs };
      this.#tokens.delete(key);
      this.#tokens.set(key, token);
      // Map keeps insertion order, so the first key is the least recently exchanged one.
      const oldest = this.#tokens.keys().next();
      if (this.#tokens.size > this.maxEntries && !oldest.done) this.#tokens.delete(oldest.value);

      return token;
    } finally {
      this.#pending.delete(key);
    }
  }
}

/** The cache that connectors share unless a test passes its own. */
export const sharedAccessTokenCache = new AccessTokenCache();

/** Access tokens for the credentials of one connector context. */
export class Cm360AccessTokens {
  readonly #key: string;

  constructor(
    private readonly context: Cm360Context,
    private readonly cache: AccessTokenCache = sharedAccessTokenCache,
  ) {
    const { clientId, clientSecret, refreshToken } = context.credentials;
    const tokenUrl = context.settings.tokenUrl ?? GOOGLE_TOKEN_URL;
    // The key is a digest, so the cache contains no copy of the secrets it is keyed by.
    this.#key = createHash('sha256')
      .update(JSON.stringify([tokenUrl, clientId, clientSecret, refreshToken]))
      .digest('hex');
  }

  /** Returns an access token; throws `AccessTokenError` or `PartnerRequestError` on failure. */
  get(): Promise<string> {
    return this.cache.get(this.#key, () => exchangeRefreshToken(this.context));
  }

  invalidate(accessToken: string): void {
    this.cache.invalidate(this.#key, accessToken);
  }
}

/**
 * Exchanges the connector's refresh token at its token URL (`grant_type=refresh_token`, form
 * encoded, as Google's OAuth 2.0 server expects). Throws `AccessTokenError` when the endpoint
 * rejects the exchange or cannot be reached by the engine's clients.
 */
export async function exchangeRefreshToken(context: Cm360Context): Promise<IssuedAccessToken> {
  const endpoint = resolveTokenEndpoint(context);
  if (endpoint === undefined) throw new AccessTokenError(unreachableTokenUrl(context));

  const { clientId, clientSecret, refreshToken } = context.credentials;
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: clientId,
    client_secret: clientSecret,
    refresh_token: refreshToken,
  });
  const response = await endpoint.http.send({
    method: 'POST',
    path: endpoint.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (response.status < 200 || response.status > 299) {
    throw new AccessTokenError(
      classifyTokenError(response.status, response.text, response.headers['retry-after']),
    );
  }

  const body = parseJsonBody(response.text) as Record<string, unknown> | undefined;
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new AccessTokenError(tokenResponseWithoutToken(response.status));
  }

  return { accessToken, expiresInSeconds: readExpiresIn(body?.expires_in) };
}

/** Reads `expires_in` as a number or digit string. A missing value gives 0: use the token once. */
function readExpiresIn(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);

  return 0;
}

function unreachableTokenUrl(context: Cm360Context): Cm360ErrorClassification {
  const tokenUrl = new URL(context.settings.tokenUrl ?? GOOGLE_TOKEN_URL);
  const explanation = `Activator has no HTTP client for the token URL origin ${tokenUrl.origin}, because it differs from the API base URL.`;

  return {
    category: 'other',
    retryable: false,
    partnerMessage: explanation,
    explanation,
    fix: 'This Activator version cannot reach it. Serve the token endpoint below baseUrl through a proxy and set tokenUrl to that address.',
  };
}

function tokenResponseWithoutToken(httpStatus: number): Cm360ErrorClassification {
  const explanation = `The token endpoint responded with HTTP ${httpStatus} but without an access_token.`;

  return {
    category: 'other',
    retryable: true,
    httpStatus,
    partnerMessage: explanation,
    explanation,
    fix: 'Check tokenUrl in the connector settings. A proxy may have responded in place of Google.',
  };
}
