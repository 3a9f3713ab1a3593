import type {
  PartnerHttpClient,
  PartnerRequest,
  PartnerResponse,
} from '../../net/partner-http-client.js';
import type { Cm360AccessTokens } from './access-token.js';
import type { Cm360Conversion } from './mapping.js';
import {
  CM360_DEFAULT_API_VERSION,
  type Cm360EncryptionInfo,
  type Cm360Settings,
} from './schemas.js';

/** Body of `conversions.batchinsert`. */
export interface ConversionsBatchInsertRequest {
  kind: 'dfareporting#conversionsBatchInsertRequest';
  conversions: Cm360Conversion[];
  /** Required when a conversion has `encryptedUserId` or `encryptedUserIdCandidates`. */
  encryptionInfo?: Cm360EncryptionInfo & { kind: 'dfareporting#encryptionInfo' };
}

/** Campaign Manager 360 API calls of this type: HTTP and OAuth only, no mapping or classification. */
export class Cm360Client {
  readonly #profilePath: string;

  constructor(
    private readonly http: PartnerHttpClient,
    settings: Cm360Settings,
    private readonly tokens: Cm360AccessTokens,
  ) {
    const version = settings.apiVersion ?? CM360_DEFAULT_API_VERSION;
    this.#profilePath = `/dfareporting/${version}/userprofiles/${settings.profileId}`;
  }

  /** `userProfiles.get`: reads the user profile, the credential check. */
  getUserProfile(): Promise<PartnerResponse> {
    return this.#sendAuthorized({ method: 'GET', path: this.#profilePath });
  }

  /** `conversions.batchinsert`: inserts at most 1,000 conversions. */
  insertConversions(body: ConversionsBatchInsertRequest): Promise<PartnerResponse> {
    return this.#sendAuthorized({
      method: 'POST',
      path: `${this.#profilePath}/conversions/batchinsert`,
      json: body,
    });
  }

  /**
   * Sends the request with a bearer access token. After a 401 it drops that token and sends the
   * request once more with a freshly exchanged one, because an access token can be revoked or
   * expire before its `expires_in`. A second 401 is returned as it is.
   */
  async #sendAuthorized(request: PartnerRequest): Promise<PartnerResponse> {
    const token = await this.tokens.get();
    const response = await this.http.send(withBearerToken(request, token));
    if (response.status !== 401) return response;

    this.tokens.invalidate(token);
    const freshToken = await this.tokens.get();

    return this.http.send(withBearerToken(request, freshToken));
  }
}

function withBearerToken(request: PartnerRequest, accessToken: string): PartnerRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${accessToken}` } };
}
