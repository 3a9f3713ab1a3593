import type { AudienceMember } from '../audience-members.js';
import type { PartnerAudience, SimulatorState } from '../simulator-state.js';
import { ResetMarker } from './reset-marker.js';

/** Customer fields the simulator stores, in the order of the WSDL's `Customer` sequence. */
export const SIMULATED_CUSTOMER_FIELDS = [
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

export type SimulatedCustomerField = (typeof SIMULATED_CUSTOMER_FIELDS)[number];

/** A stored customer. `id` is assigned by the directory. */
export type SimulatedCustomer = Partial<Record<SimulatedCustomerField, string>> & { id: string };

/** First customer id the directory assigns. */
const FIRST_CUSTOMER_ID = 1001;

/**
 * Clang customers and group memberships of one simulator. A group is a partner audience of
 * `clang` whose id is the group id, so `GET /_control/audiences/:groupId` lists its members as
 * `{ ID, EXTERN_ID?, EMAIL?, PHONE? }`. `POST /_control/reset` clears the customers too.
 */
export class CustomerDirectory {
  #customers = new Map<string, SimulatedCustomer>();
  /** Customer ids of each group. */
  #memberships = new Map<string, Set<string>>();
  #nextId = FIRST_CUSTOMER_ID;
  readonly #resetMarker: ResetMarker;

  constructor(private readonly state: SimulatorState) {
    this.#resetMarker = new ResetMarker(state, 'clang');
  }

  get customerCount(): number {
    this.#clearAfterReset();

    return this.#customers.size;
  }

  findByExternalId(externalId: string): SimulatedCustomer[] {
    return this.#find((customer) => customer.externalId === externalId);
  }

  /** Finds customers by email address, ignoring case. */
  findByEmailAddress(emailAddress: string): SimulatedCustomer[] {
    const wanted = emailAddress.toLowerCase();

    return this.#find((customer) => customer.emailAddress?.toLowerCase() === wanted);
  }

  get(id: string): SimulatedCustomer | undefined {
    this.#clearAfterReset();

    return this.#customers.get(id);
  }

  insert(fields: Omit<SimulatedCustomer, 'id'>): SimulatedCustomer {
    this.#clearAfterReset();
    const customer: SimulatedCustomer = { ...fields, id: String(this.#nextId) };
    this.#nextId += 1;
    this.#customers.set(customer.id, customer);

    return customer;
  }

  /** Replaces the given fields of a stored customer and refreshes its group member rows. */
  update(id: string, fields: Omit<SimulatedCustomer, 'id'>): SimulatedCustomer | undefined {
    const existing = this.get(id);
    if (existing === undefined) return undefined;

    const updated: SimulatedCustomer = { ...existing, ...fields, id };
    for (const [groupId, members] of this.#memberships) {
      if (!members.has(id)) continue;
      const audienceMembers = this.#groupAudience(groupId)?.members;
      audienceMembers?.removeMatching(memberRow(existing));
      audienceMembers?.add(memberRow(updated));
    }
    this.#customers.set(id, updated);

    return updated;
  }

  isMember(groupId: string, customerId: string): boolean {
    this.#clearAfterReset();

    return this.#memberships.get(groupId)?.has(customerId) ?? false;
  }

  /** Adds a customer to a group. The caller checks that the group exists. */
  addMember(group: PartnerAudience, customer: SimulatedCustomer): void {
    this.#clearAfterReset();
    const members = this.#memberships.get(group.id) ?? new Set<string>();
    members.add(customer.id);
    this.#memberships.set(group.id, members);
    group.members.add(memberRow(customer));
  }

  removeMember(group: PartnerAudience, customer: SimulatedCustomer): void {
    this.#clearAfterReset();
    this.#memberships.get(group.id)?.delete(customer.id);
    group.members.removeMatching(memberRow(customer));
  }

  #find(matches: (customer: SimulatedCustomer) => boolean): SimulatedCustomer[] {
    this.#clearAfterReset();

    return [...this.#customers.values()].filter(matches);
  }

  #groupAudience(groupId: string): PartnerAudience | undefined {
    return this.state.findPartnerAudience('clang', groupId);
  }

  #clearAfterReset(): void {
    if (!this.#resetMarker.consumeReset()) return;

    this.#customers = new Map();
    this.#memberships = new Map();
    this.#nextId = FIRST_CUSTOMER_ID;
  }
}

/** Returns the member row of a customer in a group's audience. */
export function memberRow(customer: SimulatedCustomer): AudienceMember {
  const row: AudienceMember = { ID: customer.id };
  if (customer.externalId) row.EXTERN_ID = customer.externalId;
  if (customer.emailAddress) row.EMAIL = customer.emailAddress;
  if (customer.mobilePhone) row.PHONE = customer.mobilePhone;

  return row;
}
