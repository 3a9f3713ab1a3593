import { Type } from 'typebox';

/** Largest body of `POST /profiles`, in bytes; send more profiles through the import. */
export const PROFILES_BODY_LIMIT_BYTES = 32 * 1_048_576;
export const MAX_PROFILES_PER_REQUEST = 10_000;

const identifierValue = Type.Union([
  Type.String({ maxLength: 1000 }),
  Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 }),
]);
const consent = Type.Union([
  Type.Literal('granted'),
  Type.Literal('denied'),
  Type.Literal('unknown'),
]);

export const profileInputSchema = Type.Object(
  {
    id: Type.String({ maxLength: 1000 }),
    identifiers: Type.Optional(Type.Record(Type.String(), identifierValue)),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    consents: Type.Optional(
      Type.Object(
        { advertising: Type.Optional(consent), email: Type.Optional(consent) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const upsertProfilesBody = Type.Object(
  { profiles: Type.Array(profileInputSchema, { maxItems: MAX_PROFILES_PER_REQUEST }) },
  { additionalProperties: false },
);

export const importQuery = Type.Object(
  {
    mapping: Type.Optional(
      Type.String({ maxLength: 100_000, description: 'JSON object: CSV header to target.' }),
    ),
  },
  { additionalProperties: false },
);

export const idParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const eventBody = Type.Object(
  {
    profileId: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
