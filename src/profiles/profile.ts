/** Consent of one purpose. */
export type ConsentState = 'granted' | 'denied' | 'unknown';

/** Purposes a profile carries consent for. */
export const CONSENT_PURPOSES = ['advertising', 'email'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Identifier types with a fixed meaning; partner types add their own ids (`xandrUid`, ...). */
export const STANDARD_IDENTIFIER_TYPES = ['email', 'phone', 'maid', 'externalId'] as const;

/** Identifier values per type, normalized at ingest (phones in E.164, emails lower case). */
export type ProfileIdentifiers = Record<string, string[]>;

/** A stored profile. */
export interface Profile {
  id: string;
  identifiers: ProfileIdentifiers;
  attributes: Record<string, unknown>;
  consents: Record<ConsentPurpose, ConsentState>;
}

/** A profile as an API caller or an import sends it, before normalization. */
export interface ProfileInput {
  id: string;
  identifiers?: Record<string, string | string[]>;
  attributes?: Record<string, unknown>;
  consents?: Partial<Record<ConsentPurpose, ConsentState>>;
}

/** A value rejected at ingest; the rest of the profile is still stored. */
export interface FieldRejection {
  /** Path of the field, such as `identifiers.phone` or `attributes.dateOfBirth`. */
  field: string;
  /** Stable reason code, such as `invalid_phone` or `invalid_email`. */
  reason: string;
}
