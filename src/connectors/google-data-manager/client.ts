import type {
  PartnerHttpClient,
  PartnerRequest,
  PartnerResponse,
} from '../../net/partner-http-client.js';
import type { ConnectorContext } from '../connector-type.js';
import {
  accessTokenCacheKey,
  type AccessTokenCache,
  exchangeRefreshToken,
  resolveTokenEndpoint,
  sharedAccessTokens,
} from './access-token.js';
import {
  GOOGLE_TOKEN_URL,
  type DataManagerAccounts,
  type DataManagerCommonSettings,
  type DataManagerCredentials,
} from './schemas.js';

/** Access tokens for one set of credentials. */
export interface AccessTokenSource {
  /** Returns a valid access token, exchanging the refresh token when none is cached. */
  get(): Promise<string>;
  /** Forgets `token`, so that the next `get` exchanges the refresh token again. */
  invalidate(token: string): void;
  /** Forgets the cached token, whichever it is. */
  reset(): void;
}

/** Builds the access token source of a connector from its settings and credentials. */
export function createAccessTokenSource(
  context: ConnectorContext<DataManagerCommonSettings, DataManagerCredentials>,
  cache: AccessTokenCache = sharedAccessTokens,
): AccessTokenSource {
  const { settings, credentials } = context;
  const key = accessTokenCacheKey(settings.tokenUrl ?? GOOGLE_TOKEN_URL, credentials);
  const exchange = () => exchangeRefreshToken(resolveTokenEndpoint(context), credentials);

  return {
    get: () => cache.get(key, exchange),
    invalidate: (token) => cache.invalidate(key, token),
    reset: () => cache.invalidate(key),
  };
}

/**
 * Data Manager API calls: HTTP only, with no mapping or classification. Every call carries a
 * bearer token. A 401 response makes the client fetch a new token and send the request once
 * more, so an access token that expired early costs one retry instead of an error.
 */
export class DataManagerClient {
  constructor(
    private readonly http: PartnerHttpClient,
    private readonly tokens: AccessTokenSource,
  ) {}

  /** `POST /v1/audienceMembers:ingest`. */
  ingestAudienceMembers(body: unknown): Promise<PartnerResponse> {
    return this.#send({ method: 'POST', path: '/v1/audienceMembers:ingest', json: body });
  }

  /** `POST /v1/audienceMembers:remove`. */
  removeAudienceMembers(body: unknown): Promise<PartnerResponse> {
    return this.#send({ method: 'POST', path: '/v1/audienceMembers:remove', json: body });
  }

  /** `GET /v1/requestStatus:retrieve?requestId=...`. */
  retrieveRequestStatus(requestId: string): Promise<PartnerResponse> {
    return this.#send({ method: 'GET', path: '/v1/requestStatus:retrieve', query: { requestId } });
  }

  /**
   * Lists at most `pageSize` user lists of the operating account: the credential check, because
   * it needs a valid token and access to the account and changes nothing.
   */
  listUserLists(accounts: DataManagerAccounts, pageSize = 1): Promise<PartnerResponse> {
    const { accountType, accountId } = accounts.operatingAccount;
    const headers: Record<string, string> = {};
    if (accounts.loginAccount !== undefined) {
      const login = accounts.loginAccount;
      headers['login-account'] = `accountTypes/${login.accountType}/accounts/${login.accountId}`;
    }

    return this.#send({
      method: 'GET',
      path: `/v1/accountTypes/${accountType}/accounts/${encodeURIComponent(accountId)}/userLists`,
      query: { pageSize: String(pageSize) },
      headers,
    });
  }

  async #send(request: PartnerRequest): Promise<PartnerResponse> {
    const token = await this.tokens.get();
    const response = await this.http.send(withBearer(request, token));
    if (response.status !== 401) return response;

    this.tokens.invalidate(token);
    const freshToken = await this.tokens.get();

    return this.http.send(withBearer(request, freshToken));
  }
}

function withBearer(request: PartnerRequest, token: string): PartnerRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}
