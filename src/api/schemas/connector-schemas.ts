import { Type } from 'typebox';

const looseObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description });

export const connectorIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const createConnectorBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 100, description: 'A catalog type id.' }),
    // The real limit (200 characters after trimming) is checked with a clearer message.
    name: Type.String({ maxLength: 1000, description: '1 to 200 characters, unique per type.' }),
    settings: looseObject("Settings, checked against the type's settings schema."),
    credentials: looseObject("Credentials, checked against the type's credentials schema."),
  },
  { additionalProperties: false },
);

export const patchConnectorBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    settings: Type.Optional(looseObject('JSON merge patch of the settings; null removes a field.')),
    credentials: Type.Optional(
      looseObject('JSON merge patch of the credentials; "***" keeps a stored secret.'),
    ),
  },
  { additionalProperties: false },
);

const usageSchema = Type.Object({
  audiences: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  journeys: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      version: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
    }),
  ),
});

export const connectorSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')]),
  health: Type.Union([
    Type.Literal('ok'),
    Type.Literal('credentials_invalid'),
    Type.Literal('circuit_open'),
  ]),
  settings: looseObject('Settings as stored.'),
  credentials: Type.Record(Type.String(), Type.Literal('***'), {
    description: 'Credential field names; every value is masked.',
  }),
  usage: usageSchema,
  snippet: Type.Optional(
    Type.String({ description: 'HTML to paste into a site; tag-based types only.' }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const connectorListSchema = Type.Object({ items: Type.Array(connectorSchema) });

export const credentialTestSchema = Type.Object({
  ok: Type.Boolean(),
  category: Type.Optional(
    Type.Union([
      Type.Literal('invalid_credentials'),
      Type.Literal('timeout'),
      Type.Literal('partner_error'),
      Type.Literal('other'),
    ]),
  ),
  partnerCode: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const errorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    code: Type.String(),
    message: Type.String(),
  },
  { additionalProperties: true },
);
