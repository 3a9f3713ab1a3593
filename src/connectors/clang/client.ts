import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';
import {
  CLANG_DEFAULT_API_VERSION,
  CLANG_SOAP_PATH,
  type ClangCredentials,
  type ClangSettings,
} from './schemas.js';
import { buildSoapRequest, type SoapField } from './soap-envelope.js';

/** Customer fields in the order of the `Customer` sequence in Clang's WSDL. */
export const CUSTOMER_FIELD_ORDER = [
  'id',
  'lastname',
  'firstname',
  'gender',
  'zipCode',
  'city',
  'country',
  'mobilePhone',
  'emailAddress',
  'externalId',
] as const;

export type CustomerField = (typeof CUSTOMER_FIELD_ORDER)[number];

/** Customer fields that Activator sends. A missing field is left out of the request. */
export type CustomerFields = Partial<Record<CustomerField, string>>;

/** Clang SOAP calls of the Clang type: HTTP only, no mapping or classification. */
export class ClangSoapClient {
  readonly #version: string;

  constructor(
    private readonly http: PartnerHttpClient,
    settings: ClangSettings,
    private readonly credentials: ClangCredentials,
  ) {
    this.#version = settings.apiVersion ?? CLANG_DEFAULT_API_VERSION;
  }

  /** Counts the account's customers: a cheap call that only needs a valid uuid. */
  getTotalNumberOfCustomers(): Promise<PartnerResponse> {
    return this.#call('customer_getTotalNumberOfCustomers', []);
  }

  getCustomersByExternalId(externalId: string): Promise<PartnerResponse> {
    return this.#call('customer_getByExternalId', [['externalId', externalId]]);
  }

  getCustomersByEmailAddress(emailAddress: string): Promise<PartnerResponse> {
    return this.#call('customer_getByEmailAddress', [['emailAddress', emailAddress]]);
  }

  insertCustomer(customer: CustomerFields): Promise<PartnerResponse> {
    return this.#call('customer_insert', [['customer', customerElement(customer)]]);
  }

  /** Updates the customer with `customer.id`. Fields left out are not sent. */
  updateCustomer(customer: CustomerFields): Promise<PartnerResponse> {
    return this.#call('customer_update', [['customer', customerElement(customer)]]);
  }

  addGroupMember(groupId: string, customerId: string): Promise<PartnerResponse> {
    return this.#call('group_addMember', membershipFields(groupId, customerId));
  }

  removeGroupMember(groupId: string, customerId: string): Promise<PartnerResponse> {
    return this.#call('group_removeMember', membershipFields(groupId, customerId));
  }

  /**
   * Sends one SOAP call. The uuid travels in the body, as the WSDL declares it, never in the URL.
   * The endpoint takes `version` and `type=literal`, as the WSDL's service address does.
   *
   * NOTE: error samples store the request body after `redactText`, which removes the uuid only
   * when it has the form of a UUID, and keeps external ids and names.
   */
  #call(operation: string, fields: SoapField[]): Promise<PartnerResponse> {
    return this.http.send({
      method: 'POST',
      path: CLANG_SOAP_PATH,
      query: { version: this.#version, type: 'literal' },
      headers: {
        accept: 'text/xml',
        'content-type': 'text/xml; charset=utf-8',
        soapaction: '""',
      },
      body: buildSoapRequest(operation, [['uuid', this.credentials.uuid], ...fields]),
    });
  }
}

function customerElement(customer: CustomerFields): SoapField[] {
  const fields: SoapField[] = [];
  for (const name of CUSTOMER_FIELD_ORDER) {
    const value = customer[name];
    if (value !== undefined) fields.push([name, value]);
  }

  return fields;
}

function membershipFields(groupId: string, customerId: string): SoapField[] {
  return [
    ['group', [['id', groupId]]],
    ['customer', [['id', customerId]]],
  ];
}
