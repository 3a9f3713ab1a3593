import { createHash } from 'node:crypto';
import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import type { ConnectorContext } from '../connector-type.js';
import { type ErrorFields, findDataManagerErrorRule } from './error-codes.js';
import {
  DATA_MANAGER_ORIGIN,
  GOOGLE_TOKEN_URL,
  type DataManagerCommonSettings,
  type DataManagerCredentials,
} from './schemas.js';
import { classifyGoogleErrorResponse, isRecord, redactGoogleMessage } from './status-error.js';

/** An access token and its lifetime in seconds, as the token endpoint returned them. */
export interface IssuedAccessToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** Error of a failed token exchange, with `fields` that classify it for the affected profiles. */
export class TokenExchangeError extends Error {
  constructor(readonly fields: ErrorFields) {
    super(fields.partnerMessage ?? 'The OAuth token exchange failed.');
    this.name = 'TokenExchangeError';
  }
}

/** Target of token requests: an HTTP client and the path below its base URL. */
export interface TokenEndpoint {
  http: PartnerHttpClient;
  path: string;
}

/**
 * Seconds before `expires_in` runs out at which a cached token counts as expired, so that a
 * token never expires while a request is on its way. Short-lived tokens use half their lifetime.
 */
const EXPIRY_MARGIN_SECONDS = 60;

/**
 * Lifetime in seconds assumed when the token endpoint sends no `expires_in`: one hour, an
 * estimate.
 */
const DEFAULT_LIFETIME_SECONDS = 3_600;

interface CachedToken {
  accessToken: string;
  /** Time in ms after which the token is fetched again. */
  refreshAtMs: number;
}

/**
 * Access tokens per set of credentials, kept until shortly before they expire. Concurrent
 * requests for the same credentials share one token exchange.
 */
export class AccessTokenCache {
  readonly #entries = new Map<string, CachedToken>();
  readonly #exchanges = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Returns the cached token for `key`, or calls `exchange` for a new one and caches it. */
  async get(key: string, exchange: () => Promise<IssuedAccessToken>): Promise<string> {
    const cached = this.#entries.get(key);
    if (cached !== undefined && this.now() < cached.refreshAtMs) return cached.accessToken;

    const running = this.#exchanges.get(key);
    if (running !== undefined) return running;

    const started = this.#exchange(key, exchange).finally(() => this.#exchanges.delete(key));
    this.#exchanges.set(key, started);

    return started;
  }

  /**
   * Drops the cached token for `key`. With `rejectedToken`, drops it only when it is still that
   * token, so that a token another request already replaced is kept.
   */
  invalidate(key: string, rejectedToken?: string): void {
    const cached = this.#entries.get(key);
    if (cached === undefined) return;
    if (rejectedToken === undefined || cached.accessToken === rejectedToken) {
      this.#entries.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  async #exchange(key: string, exchange: () => Promise<IssuedAccessToken>): Promise<string> {
    const issued = await exchange();
    const lifetimeSeconds = issued.expiresInSeconds;
    const marginSeconds = Math.min(EXPIRY_MARGIN_SECONDS, lifetimeSeconds / 2);
    this.#entries.set(key, {
      accessToken: issued.accessToken,
      refreshAtMs: this.now() + (lifetimeSeconds - marginSeconds) * 1_000,
    });

    return issued.accessToken;
  }
}

/** The process-wide token cache that the Data Manager types use. */
export const sharedAccessTokens = new AccessTokenCache();

/**
 * Returns the cache key of a set of credentials at a token endpoint. The secret and the refresh
 * token enter only as a SHA-256 digest, so the key reveals neither.
 */
export function accessTokenCacheKey(tokenUrl: string, credentials: DataManagerCredentials): string {
  const secretDigest = createHash('sha256')
    .update(`${credentials.clientSecret}\n${credentials.refreshToken}`, 'utf8')
    .digest('hex');

  return `${tokenUrl}\n${credentials.clientId}\n${secretDigest}`;
}

/**
 * Exchanges the refresh token for an access token (`grant_type=refresh_token`, form-encoded).
 * Throws `TokenExchangeError` with the classified failure, and lets
 * `PartnerRequestError` (timeout, connection) through.
 */
export async function exchangeRefreshToken(
  endpoint: TokenEndpoint,
  credentials: DataManagerCredentials,
): Promise<IssuedAccessToken> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: credentials.refreshToken,
  });
  const response = await endpoint.http.send({
    method: 'POST',
    path: endpoint.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });

  return readTokenResponse(response);
}

/** Reads a token endpoint response into the token or a `TokenExchangeError`. */
export function readTokenResponse(response: PartnerResponse): IssuedAccessToken {
  const body = parseJsonBody(response.text);
  const isSuccess = response.status >= 200 && response.status <= 299;
  if (
    isSuccess &&
    isRecord(body) &&
    typeof body.access_token === 'string' &&
    body.access_token !== ''
  ) {
    const expiresIn = Number(body.expires_in);
    const expiresInSeconds =
      Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_SECONDS;

    return { accessToken: body.access_token, expiresInSeconds };
  }

  throw new TokenExchangeError(classifyTokenError(response, body));
}

/**
 * Classifies a failed token response by its OAuth `error` code (RFC 6749 section 5.2). Without
 * one, the response is classified like any Google error response.
 */
function classifyTokenError(response: PartnerResponse, body: unknown): ErrorFields {
  const code = isRecord(body) && typeof body.error === 'string' ? body.error : undefined;
  if (code === undefined) {
    const fields = classifyGoogleErrorResponse(response);
    if (response.status >= 200 && response.status <= 299) {
      fields.retryable = true;
      fields.partnerMessage = 'The token endpoint responded without an access_token.';
    }

    return fields;
  }

  const rule = findDataManagerErrorRule(code);
  const description =
    isRecord(body) && typeof body.error_description === 'string'
      ? redactGoogleMessage(body.error_description)
      : rule.explanation;

  return {
    category: rule.category,
    retryable: rule.retryable,
    partnerCode: code,
    partnerMessage: `Token exchange failed: ${description}`,
    httpStatus: response.status,
  };
}

/**
 * Returns where token requests go. A `tokenUrl` below the connector's base URL (the simulator, or
 * a proxy that serves both) goes through the connector's own client. Any other, such as
 * `https://oauth2.googleapis.com/token` next to the Data Manager API, goes through the engine's
 * client for its origin. Both clients apply the connector's timeout, address guard, proxy and
 * deactivation check.
 */
export function resolveTokenEndpoint(
  context: ConnectorContext<DataManagerCommonSettings, DataManagerCredentials>,
): TokenEndpoint {
  const { settings } = context;
  const tokenUrl = settings.tokenUrl ?? GOOGLE_TOKEN_URL;
  const baseUrl = (settings.baseUrl ?? DATA_MANAGER_ORIGIN).replace(/\/+$/, '');
  if (tokenUrl.startsWith(`${baseUrl}/`)) {
    return { http: context.http, path: tokenUrl.slice(baseUrl.length) };
  }

  const url = new URL(tokenUrl);
  if (context.httpFor === undefined) {
    throw new TokenExchangeError({
      category: 'other',
      retryable: false,
      partnerMessage: `The engine provides no HTTP client for the token endpoint ${url.origin}. Set tokenUrl below baseUrl, or run a version of Activator whose connector context has httpFor.`,
    });
  }

  return { http: context.httpFor(url.origin), path: `${url.pathname}${url.search}` };
}
