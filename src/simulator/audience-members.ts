/** One member of a partner audience: the non-empty values of an uploaded row, by schema key. */
export type AudienceMember = Record<string, string>;

/**
 * Keys that identify a person on their own. Attributes such as COUNTRY or FN only refine a
 * match, so two people from one country are never taken for the same member.
 */
const IDENTIFYING_KEYS = new Set([
  'EXTERN_ID',
  'UID',
  'EMAIL',
  'PHONE',
  'MADID',
  'EMAIL_SHA256',
  'PHONE_SHA256',
  'MOBILE_ADVERTISER_ID',
]);

/** The member keys that have one identifying value: one key, or a set when several share it. */
type MemberKeys = string | Set<string>;

/**
 * Members of one partner audience. A row that shares an identifying value (email, phone,
 * external id, mobile id) with a member replaces that member, so adding the same person twice
 * stores them once. An index from each identifying value to its members lets a removal find
 * every member that shares one with the removed row. The index has one map per identifying key,
 * because a JavaScript Map takes at most 2^24 entries. Ten million members with two keys each
 * would pass that in one map.
 */
export class AudienceMembers {
  readonly #members = new Map<string, AudienceMember>();
  readonly #membersByValue = new Map<string, Map<string, MemberKeys>>();
  #addsReceived = 0;

  get size(): number {
    return this.#members.size;
  }

  /** Rows added so far, repeats included, so tests can count resent rows. */
  get addsReceived(): number {
    return this.#addsReceived;
  }

  /** Adds the row's non-empty values as a member. Returns false when the member already exists. */
  add(row: AudienceMember): boolean {
    this.#addsReceived += 1;
    const member = withoutEmptyValues(row);
    const memberKey = memberKeyOf(member);
    if (this.#members.has(memberKey)) return false;

    for (const samePerson of this.#membersSharingIdentity(member)) this.#delete(samePerson);
    this.#members.set(memberKey, member);
    for (const [key, value] of identifyingEntries(member)) this.#index(key, value, memberKey);

    return true;
  }

  /** Removes every member that has at least one non-empty value of the row. Returns the count. */
  removeMatching(row: AudienceMember): number {
    const matches = this.#membersSharingIdentity(withoutEmptyValues(row));
    for (const memberKey of matches) this.#delete(memberKey);

    return matches.size;
  }

  #index(key: string, value: string, memberKey: string): void {
    let byValue = this.#membersByValue.get(key);
    if (!byValue) {
      byValue = new Map();
      this.#membersByValue.set(key, byValue);
    }
    const keys = byValue.get(value);
    if (keys === undefined) byValue.set(value, memberKey);
    else if (typeof keys === 'string') byValue.set(value, new Set([keys, memberKey]));
    else keys.add(memberKey);
  }

  #unindex(key: string, value: string, memberKey: string): void {
    const byValue = this.#membersByValue.get(key);
    const keys = byValue?.get(value);
    if (!byValue || keys === undefined) return;
    if (typeof keys === 'string') {
      if (keys === memberKey) byValue.delete(value);
      return;
    }
    keys.delete(memberKey);
    if (keys.size === 0) byValue.delete(value);
  }

  #membersSharingIdentity(row: AudienceMember): Set<string> {
    const matches = new Set<string>();
    for (const [key, value] of identifyingEntries(row)) {
      const keys = this.#membersByValue.get(key)?.get(value);
      if (typeof keys === 'string') matches.add(keys);
      else for (const memberKey of keys ?? []) matches.add(memberKey);
    }

    return matches;
  }

  /** Returns copies of the members in the order they were added. */
  list(): AudienceMember[] {
    return [...this.#members.values()].map((member) => ({ ...member }));
  }

  #delete(memberKey: string): void {
    const member = this.#members.get(memberKey);
    if (!member) return;

    this.#members.delete(memberKey);
    for (const [key, value] of identifyingEntries(member)) this.#unindex(key, value, memberKey);
  }
}

function withoutEmptyValues(row: AudienceMember): AudienceMember {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== ''));
}

function memberKeyOf(member: AudienceMember): string {
  const entries = Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  return JSON.stringify(entries);
}

function identifyingEntries(member: AudienceMember): [string, string][] {
  return Object.entries(member).filter(([key]) => IDENTIFYING_KEYS.has(key));
}
