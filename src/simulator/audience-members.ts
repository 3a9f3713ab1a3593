/** One member of a partner audience: the non-empty values of an uploaded row, by schema key. */
export type AudienceMember = Record<string, string>;

/**
 * Members of one partner audience. A member is identified by all of its non-empty values, so
 * adding the same row twice stores it once. An index from each key value to its members lets a
 * removal find every member that shares any one value with the removed row.
 */
export class AudienceMembers {
  readonly #members = new Map<string, AudienceMember>();
  readonly #membersByValue = new Map<string, Set<string>>();

  get size(): number {
    return this.#members.size;
  }

  /** Adds the row's non-empty values as a member. Returns false when the member already exists. */
  add(row: AudienceMember): boolean {
    const member = withoutEmptyValues(row);
    const memberKey = memberKeyOf(member);
    if (this.#members.has(memberKey)) return false;

    this.#members.set(memberKey, member);
    for (const [key, value] of Object.entries(member)) {
      const valueKey = valueKeyOf(key, value);
      const keys = this.#membersByValue.get(valueKey) ?? new Set<string>();
      keys.add(memberKey);
      this.#membersByValue.set(valueKey, keys);
    }

    return true;
  }

  /** Removes every member that has at least one non-empty value of the row. Returns the count. */
  removeMatching(row: AudienceMember): number {
    let removed = 0;
    for (const [key, value] of Object.entries(withoutEmptyValues(row))) {
      const memberKeys = this.#membersByValue.get(valueKeyOf(key, value));
      if (!memberKeys) continue;

      for (const memberKey of [...memberKeys]) {
        this.#delete(memberKey);
        removed += 1;
      }
    }

    return removed;
  }

  /** Returns copies of the members in the order they were added. */
  list(): AudienceMember[] {
    return [...this.#members.values()].map((member) => ({ ...member }));
  }

  #delete(memberKey: string): void {
    const member = this.#members.get(memberKey);
    if (!member) return;

    this.#members.delete(memberKey);
    for (const [key, value] of Object.entries(member)) {
      const valueKey = valueKeyOf(key, value);
      const keys = this.#membersByValue.get(valueKey);
      keys?.delete(memberKey);
      if (keys?.size === 0) this.#membersByValue.delete(valueKey);
    }
  }
}

function withoutEmptyValues(row: AudienceMember): AudienceMember {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== ''));
}

function memberKeyOf(member: AudienceMember): string {
  const entries = Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  return JSON.stringify(entries);
}

function valueKeyOf(key: string, value: string): string {
  return JSON.stringify([key, value]);
}
