import { Type, type Static } from 'typebox';
import { FAULT_MODES } from './fault-schedule.js';
import { SIMULATOR_PARTNERS } from './simulator-partners.js';
import { TOKEN_STATES } from './simulator-state.js';

const PartnerName = Type.Enum([...SIMULATOR_PARTNERS]);

/** Body of `POST /_control/audiences`. */
export const CreateAudienceBody = Type.Object(
  {
    partner: PartnerName,
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export type CreateAudienceBody = Static<typeof CreateAudienceBody>;

/** Body of `POST /_control/faults`. `findFaultOptionError` checks the fields each mode needs. */
export const FaultBody = Type.Object(
  {
    partner: Type.Optional(PartnerName),
    mode: Type.Enum([...FAULT_MODES]),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    status: Type.Optional(Type.Integer({ minimum: 200, maximum: 599 })),
    code: Type.Optional(Type.Integer({ minimum: 0 })),
    subcode: Type.Optional(Type.Integer({ minimum: 0 })),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    // Negative and very large values are accepted, so that tests can check how clients clamp them.
    retryAfterSeconds: Type.Optional(
      Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 }),
    ),
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
  },
  { additionalProperties: false },
);

export type FaultBody = Static<typeof FaultBody>;

/** Body of `POST /_control/tokens`. */
export const TokenStateBody = Type.Object(
  {
    partner: PartnerName,
    token: Type.String({ minLength: 1, maxLength: 4096 }),
    state: Type.Enum([...TOKEN_STATES]),
  },
  { additionalProperties: false },
);

export type TokenStateBody = Static<typeof TokenStateBody>;

export const AudienceIdParams = Type.Object({ id: Type.String() });

const FAULT_OPTIONS = [
  'delayMs',
  'status',
  'code',
  'subcode',
  'message',
  'retryAfterSeconds',
  'value',
] as const;

type FaultOption = (typeof FAULT_OPTIONS)[number];

interface FaultModeOptions {
  required: FaultOption[];
  allowed: FaultOption[];
}

/** Fault fields each mode requires and accepts, besides `partner`, `count` and `seconds`. */
const FAULT_MODE_OPTIONS: Record<FaultBody['mode'], FaultModeOptions> = {
  delay: { required: ['delayMs'], allowed: ['delayMs'] },
  status: {
    required: ['status'],
    allowed: ['status', 'code', 'subcode', 'message', 'retryAfterSeconds'],
  },
  partner_error: {
    required: ['code'],
    allowed: ['code', 'subcode', 'status', 'message', 'retryAfterSeconds'],
  },
  reset: { required: [], allowed: [] },
  html: { required: [], allowed: [] },
  expired_token: { required: [], allowed: [] },
  missing_permission: { required: [], allowed: [] },
  reject_marked: { required: ['value'], allowed: ['value'] },
  invalid_marked: { required: ['value'], allowed: ['value'] },
};

/** Returns a message naming the field when the fault's fields do not fit its mode. */
export function findFaultOptionError(fault: FaultBody): string | undefined {
  const options = FAULT_MODE_OPTIONS[fault.mode];
  const missing = options.required.find((name) => fault[name] === undefined);
  if (missing) return `Missing required field body.${missing} for mode ${fault.mode}.`;

  const extra = FAULT_OPTIONS.find(
    (name) => fault[name] !== undefined && !options.allowed.includes(name),
  );
  if (extra) return `Field body.${extra} does not apply to mode ${fault.mode}. Remove it.`;

  if (fault.subcode !== undefined && fault.code === undefined) {
    return 'Field body.subcode needs body.code.';
  }

  return undefined;
}
