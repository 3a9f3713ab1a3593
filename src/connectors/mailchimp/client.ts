import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';
import { MAILCHIMP_API_PATH, type MailchimpCredentials } from './schemas.js';

/** Subscription states that the batch endpoint accepts for a member. */
export type MailchimpMemberStatus =
  'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional';

/** One member of a batch subscribe or unsubscribe request. */
export interface MailchimpBatchMember {
  email_address: string;
  status: MailchimpMemberStatus;
}

/** Marketing API calls of the Mailchimp type: HTTP only, no mapping or classification. */
export class MailchimpClient {
  readonly #authorization: string;

  constructor(
    private readonly http: PartnerHttpClient,
    credentials: MailchimpCredentials,
  ) {
    // HTTP Basic with any user name and the API key as the password.
    const userAndKey = `activator:${credentials.apiKey.trim()}`;
    this.#authorization = `Basic ${Buffer.from(userAndKey, 'utf8').toString('base64')}`;
  }

  /** `GET /3.0/ping`: the API health check, which also checks the key. */
  ping(): Promise<PartnerResponse> {
    return this.http.send({
      method: 'GET',
      path: `${MAILCHIMP_API_PATH}/ping`,
      headers: { authorization: this.#authorization },
    });
  }

  /** `GET /3.0/lists/{list_id}` with only the id, name and member count. */
  getList(listId: string): Promise<PartnerResponse> {
    return this.http.send({
      method: 'GET',
      path: `${MAILCHIMP_API_PATH}/lists/${encodeURIComponent(listId)}`,
      query: { fields: 'id,name,stats.member_count' },
      headers: { authorization: this.#authorization },
    });
  }

  /**
   * `POST /3.0/lists/{list_id}`: subscribes or unsubscribes up to 500 members. With
   * `update_existing`, a member already on the list gets the new status instead of an error.
   * `skip_merge_validation` lets members in without the merge fields that a list may require,
   * because Activator sends only the address and the status.
   *
   * NOTE: an unsubscribe for an address the list does not hold probably adds it as an
   * unsubscribed contact; this was not confirmed against Mailchimp.
   */
  batchSubscribeOrUnsubscribe(
    listId: string,
    members: MailchimpBatchMember[],
  ): Promise<PartnerResponse> {
    return this.http.send({
      method: 'POST',
      path: `${MAILCHIMP_API_PATH}/lists/${encodeURIComponent(listId)}`,
      query: { skip_merge_validation: 'true' },
      headers: { authorization: this.#authorization },
      json: { members, update_existing: true },
    });
  }
}
