import { Type } from 'typebox';

const connection = Type.Object(
  {
    connectorId: Type.String({ minLength: 1, maxLength: 100 }),
    settings: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

export const createAudienceBody = Type.Object(
  {
    name: Type.String({ maxLength: 1000 }),
    rule: Type.Optional(
      Type.Unknown({
        description: 'Membership rule; without it, members are managed through /members.',
      }),
    ),
    connections: Type.Array(connection, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export const connectionBody = connection;

export const membersBody = Type.Object(
  {
    add: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10_000 })),
    remove: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);

export const audienceConnectionParams = Type.Object(
  { id: Type.String({ minLength: 1 }), connectorId: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
