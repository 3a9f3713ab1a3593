/** Identifier type that a partner's user id is stored in, per `/sync/:partnerType` value. */
export const SYNC_PARTNER_IDENTIFIERS: Readonly<Record<string, string>> = {
  xandr: 'xandrUid',
  google: 'googleGid',
  meta: 'metaFbp',
};

/** Returns the identifier type of a partner type, or undefined for an unknown one. */
export function identifierTypeOf(partnerType: string): string | undefined {
  return Object.hasOwn(SYNC_PARTNER_IDENTIFIERS, partnerType)
    ? SYNC_PARTNER_IDENTIFIERS[partnerType]
    : undefined;
}
