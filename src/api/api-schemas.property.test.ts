import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCatalog } from '../connectors/catalog.js';
import { PROPERTY_TEST_TIMEOUT_MS, propertyRuns } from '../test-support/property-runs.js';
import { ruleArbitrary } from '../test-support/rule-arbitraries.js';
import { startTestSimulator } from '../test-support/simulator-client.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

// Generated bad requests to the configuration API. Each request has one defect, and the response
// must be a 4xx JSON error that names the field of the defect, contains no secret that was sent,
// and leaves the store and the partner simulator unchanged.

const RUNS = 60;

/** Tables a rejected request must leave as they were. */
const WATCHED_TABLES = [
  'connectors',
  'audit_log',
  'audiences',
  'audience_connections',
  'audience_members',
  'profiles',
  'activations',
] as const;

type Simulator = Awaited<ReturnType<typeof startTestSimulator>>;

let service: TestService;
let simulator: Simulator;
let connectorId: string;
/** A second connector, for a valid connection in front of a broken one. */
let secondConnectorId: string;

const BASE_SECRET = 'sekrit-base-0123456789abcdef';

beforeAll(async () => {
  simulator = await startTestSimulator();
  // The long variant sends more requests than the per-token rate limit allows a minute.
  service = await startTestService({ ACTIVATOR_API_RATE_LIMIT: '1000000' });
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: {
      type: 'meta-custom-audiences',
      name: 'Property test base',
      settings: { adAccountId: 'act_1234567890', baseUrl: simulator.url },
      credentials: { accessToken: BASE_SECRET },
    },
  });
  expect(response.statusCode).toBe(201);
  connectorId = response.json<{ id: string }>().id;
  const second = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: {
      type: 'meta-custom-audiences',
      name: 'Property test second',
      settings: { adAccountId: '987654321', baseUrl: simulator.url },
      credentials: { accessToken: BASE_SECRET },
    },
  });
  expect(second.statusCode).toBe(201);
  secondConnectorId = second.json<{ id: string }>().id;
}, 30_000);

afterAll(async () => {
  await service?.dispose();
  await simulator?.close();
});

/**
 * A JSON value written into the request text after `JSON.stringify`: a deep nesting of arrays or
 * objects, or a long string. Its printed form in a counterexample is one short label, and
 * nestings deeper than `JSON.stringify` could write are possible.
 */
class CompactValue {
  static #count = 0;
  readonly placeholder = `compact-value-${(CompactValue.#count += 1)}`;

  constructor(
    readonly label: string,
    readonly text: string,
  ) {}

  toJSON(): string {
    return this.placeholder;
  }

  [fc.toStringMethod](): string {
    return this.label;
  }
}

/** JSON text of `body`, with each compact value written in place of its placeholder. */
function serialize(body: unknown, values: readonly CompactValue[]): string {
  let text = JSON.stringify(body) ?? '';
  for (const value of values) text = text.replace(`"${value.placeholder}"`, () => value.text);

  return text;
}

/** Collects the compact values in a generated body. */
function compactValues(value: unknown, found: CompactValue[] = []): CompactValue[] {
  if (value instanceof CompactValue) {
    found.push(value);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) compactValues(item, found);
  }

  return found;
}

function deepValue(kind: 'array' | 'object', depth: number): CompactValue {
  const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];

  return new CompactValue(
    `deep ${kind} of ${depth} levels`,
    `${open.repeat(depth)}"bottom"${close.repeat(depth)}`,
  );
}

function longText(length: number): CompactValue {
  return new CompactValue(`${length} times "x"`, JSON.stringify('x'.repeat(length)));
}

const depthArbitrary = fc.oneof(
  fc.integer({ min: 10, max: 3_000 }),
  fc.integer({ min: 3_000, max: 100_000 }),
);

const deepArbitrary = fc
  .tuple(fc.constantFrom('array' as const, 'object' as const), depthArbitrary)
  .map(([kind, depth]) => deepValue(kind, depth));

const jsonArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }) },
  { weight: 1, arbitrary: deepArbitrary },
);

/** JSON values that are not strings, for a field that must be a string. */
const notStringArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }),
  deepArbitrary,
);

/** JSON values that are not objects, for a field that must be an object. */
const notObjectArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  depthArbitrary.map((depth) => deepValue('array', depth)),
);

/** Generates keys outside `known`, from any code points, prototype names included. */
function unknownKeyArbitrary(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'x'.repeat(300)),
      },
    )
    .filter((key) => !known.includes(key));
}

/** Distinct secrets, so that a secret found in a response was taken from this request. */
const secretArbitrary = fc
  .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 })
  .map((hex) => `sekrit-${hex}`);

const validNameArbitrary = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,20}[A-Za-z0-9]$/);

/** Names the API rejects: blank, too long after trimming, or with a control character. */
const invalidNameArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('', '   ', 'a\u0007b', '\u0000'),
  fc.integer({ min: 201, max: 1_000 }).map((length) => 'n'.repeat(length)),
  fc.integer({ min: 1_001, max: 100_000 }).map((length) => longText(length)),
);

/** A request with one defect, and the field names its error message must contain. */
interface BadRequest {
  method: 'POST' | 'PATCH';
  url: string;
  body: unknown;
  /** Replaces the JSON text of `body`, for bodies that are not valid JSON. */
  text?: string;
  /** Each group must have one of its names in the error message. */
  fields: string[][];
  secrets: string[];
}

/** Returns `object` with `key` set as an own property, whatever the key, even `__proto__`. */
function withKey(object: object, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });

  return copy;
}

function without(object: object, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  delete copy[key];

  return copy;
}

// POST /api/v1/connectors

interface ConnectorBody {
  type: string;
  name: string;
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
}

const connectorBodyArbitrary = fc
  .record({
    name: validNameArbitrary,
    adAccountId: fc.stringMatching(/^(act_)?[0-9]{1,20}$/),
    accessToken: secretArbitrary,
    appSecret: fc.option(secretArbitrary, { nil: undefined }),
  })
  .map(({ name, adAccountId, accessToken, appSecret }): ConnectorBody => ({
    type: 'meta-custom-audiences',
    name,
    settings: { adAccountId },
    credentials: appSecret === undefined ? { accessToken } : { accessToken, appSecret },
  }));

function secretsOf(body: ConnectorBody): string[] {
  return Object.values(body.credentials).filter(
    (value): value is string => typeof value === 'string',
  );
}

const CONNECTOR_KEYS = ['type', 'name', 'settings', 'credentials'];
const CATALOG_TYPE_IDS = new ConnectorCatalog().ids();

/** Settings with a defect, and the names of which the error message must contain one. */
type SettingsDefect = [settings: Record<string, unknown>, fields: string[]];

const settingsDefect = (settings: Record<string, unknown>, fields: string[]): SettingsDefect => [
  settings,
  fields,
];

const META_SETTINGS_KEYS = [
  'adAccountId',
  'apiVersion',
  'baseUrl',
  'timeoutMs',
  'maxRequestsPerSecond',
  'maxConcurrentRequests',
  'maxAttempts',
  'maxRetryAgeHours',
];

/** Settings that break the Meta settings schema. */
const invalidSettingsArbitrary: fc.Arbitrary<SettingsDefect> = fc.oneof(
  fc.constant(settingsDefect({}, ['adAccountId'])),
  notStringArbitrary.map((value) => settingsDefect({ adAccountId: value }, ['adAccountId'])),
  fc
    .string({ maxLength: 30 })
    .filter((value) => !/^(act_)?[0-9]{1,20}$/.test(value))
    .map((value) => settingsDefect({ adAccountId: value }, ['adAccountId'])),
  fc
    .tuple(
      unknownKeyArbitrary(META_SETTINGS_KEYS),
      // A PATCH with null removes a key, which is no error, so null is left out.
      jsonArbitrary.filter((value) => value !== null),
    )
    .map(([key, value]) => settingsDefect(withKey({ adAccountId: '42' }, key, value), [key])),
  fc
    .oneof(
      fc.constantFrom(0, 99, 300_001, 1.5, -1),
      // A PATCH with null removes timeoutMs, which is no error.
      notStringArbitrary.filter((value) => typeof value !== 'number' && value !== null),
    )
    .map((value) => settingsDefect({ adAccountId: '42', timeoutMs: value }, ['timeoutMs'])),
  fc
    .constantFrom('25.0', 'v25', 'v1.1', '')
    .map((value) => settingsDefect({ adAccountId: '42', apiVersion: value }, ['apiVersion'])),
);

/** Secrets of this test found among the values of `object`. */
function secretsIn(object: Record<string, unknown>): string[] {
  return Object.values(object).filter(
    (value): value is string => typeof value === 'string' && value.startsWith('sekrit-'),
  );
}

/** Credentials with a defect, and the field the error message must name. */
type CredentialsDefect = [credentials: Record<string, unknown>, field: string];

const credentialsDefect = (
  credentials: Record<string, unknown>,
  field: string,
): CredentialsDefect => [credentials, field];

/** Credentials that break the Meta credentials schema. */
function credentialsDefectArbitrary(accessToken: string): fc.Arbitrary<CredentialsDefect> {
  return fc.oneof(
    fc.constant(credentialsDefect({}, 'accessToken')),
    notStringArbitrary.map((value) => credentialsDefect({ accessToken: value }, 'accessToken')),
    fc.constant(credentialsDefect({ accessToken: '' }, 'accessToken')),
    fc.constant(credentialsDefect({ accessToken: 's'.repeat(4_097) }, 'accessToken')),
    secretArbitrary.map((secret) => credentialsDefect({ accessToken, token: secret }, 'token')),
    // An app secret over its maximum of 256 characters.
    secretArbitrary.map((secret) =>
      credentialsDefect({ accessToken, appSecret: `${secret}${'y'.repeat(300)}` }, 'appSecret'),
    ),
  );
}

function connectorDefectArbitrary(): fc.Arbitrary<BadRequest> {
  const post = (body: unknown, fields: string[][], secrets: string[]): BadRequest => ({
    method: 'POST',
    url: '/api/v1/connectors',
    body,
    fields,
    secrets,
  });

  return connectorBodyArbitrary.chain((base) => {
    const secrets = secretsOf(base);
    return fc.oneof(
      notObjectArbitrary.map((body) => post(body, [['body']], [])),
      fc
        .tuple(unknownKeyArbitrary(CONNECTOR_KEYS), jsonArbitrary)
        .map(([key, value]) => post(withKey(base, key, value), [[key]], secrets)),
      fc.constantFrom(...CONNECTOR_KEYS).map((key) => post(without(base, key), [[key]], secrets)),
      fc
        .tuple(fc.constantFrom('type', 'name'), notStringArbitrary)
        .map(([key, value]) => post({ ...base, [key]: value }, [[key]], secrets)),
      fc
        .tuple(fc.constantFrom('settings', 'credentials'), notObjectArbitrary)
        .map(([key, value]) => post({ ...base, [key]: value }, [[key]], secrets)),
      fc
        .oneof(
          fc.constantFrom('', 'meta', 'Meta-Custom-Audiences', 'webhook '),
          fc.string({ unit: 'binary', maxLength: 200 }),
        )
        .filter((type) => !CATALOG_TYPE_IDS.includes(type))
        .map((type) => post({ ...base, type }, [['type']], secrets)),
      invalidNameArbitrary.map((name) => post({ ...base, name }, [['name']], secrets)),
      invalidSettingsArbitrary.map(([settings, fields]) =>
        post({ ...base, settings }, [fields], secrets),
      ),
      credentialsDefectArbitrary(secrets[0] as string).map(([credentials, field]) =>
        post({ ...base, credentials }, [[field]], [...secrets, ...secretsIn(credentials)]),
      ),
      // Text that is not JSON, cut from a valid body, so that it contains the secret.
      fc.nat().map((position) => {
        const text = JSON.stringify(base);
        const cut = text.slice(0, 1 + (position % (text.length - 1)));
        return { ...post(base, [['JSON', 'body']], secrets), text: `${cut}\u0001` };
      }),
    );
  });
}

// PATCH /api/v1/connectors/:id

function patchDefectArbitrary(): fc.Arbitrary<BadRequest> {
  const patch = (body: unknown, fields: string[][], secrets: string[] = []): BadRequest => ({
    method: 'PATCH',
    url: `/api/v1/connectors/${connectorId}`,
    body,
    fields,
    secrets,
  });
  // Valid changes sent along with the defect, which must not be stored either.
  const extrasArbitrary = fc.record(
    {
      name: validNameArbitrary,
      credentials: secretArbitrary.map((accessToken) => ({ accessToken })),
    },
    { requiredKeys: [] },
  );

  return extrasArbitrary.chain((extras) => {
    const secrets = extras.credentials ? [extras.credentials.accessToken] : [];
    const withExtras = (defect: Record<string, unknown>): Record<string, unknown> => ({
      ...extras,
      ...defect,
    });
    return fc.oneof(
      notObjectArbitrary.map((body) => patch(body, [['body']])),
      fc
        .tuple(unknownKeyArbitrary(['name', 'settings', 'credentials']), jsonArbitrary)
        .map(([key, value]) => patch(withKey(withExtras({}), key, value), [[key]], secrets)),
      jsonArbitrary.map((type) => patch(withExtras({ type }), [['type']], secrets)),
      notStringArbitrary.map((name) => patch(withExtras({ name }), [['name']], secrets)),
      invalidNameArbitrary.map((name) => patch(withExtras({ name }), [['name']], secrets)),
      fc
        .tuple(fc.constantFrom('settings', 'credentials'), notObjectArbitrary)
        .map(([key, value]) => patch(withExtras({ [key]: value }), [[key]], secrets)),
      invalidSettingsArbitrary
        .filter(([settings]) => Object.keys(settings).length > 0)
        .map(([settings, fields]) => patch(withExtras({ settings }), [fields], secrets)),
      fc.constant(
        patch(withExtras({ settings: { adAccountId: null } }), [['adAccountId']], secrets),
      ),
      fc
        .oneof(
          fc.constant({ accessToken: null }),
          notStringArbitrary
            .filter((value) => value !== null)
            .map((accessToken) => ({ accessToken })),
          fc.constant({ accessToken: '' }),
          fc.constant({ appSecret: '***' }),
          secretArbitrary.map((secret) => ({ token: secret })),
        )
        .map((credentials) => {
          const field = Object.keys(credentials)[0] as string;
          return patch({ ...extras, credentials }, [[field]], secretsIn(credentials));
        }),
      fc
        .string({ unit: fc.constantFrom(...'abcdef0123456789-'), minLength: 1, maxLength: 36 })
        .map((id) => ({
          ...patch(withExtras({}), [['connector']], secrets),
          url: `/api/v1/connectors/missing-${id}`,
        })),
    );
  });
}

// POST /api/v1/profiles

/** Profiles that the schema accepts. */
const validProfilesArbitrary = fc
  .array(
    fc.record(
      {
        identifiers: fc.dictionary(
          fc.constantFrom('email', 'phone', 'maid'),
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
          ),
        ),
        attributes: fc.dictionary(
          fc.constantFrom('country', 'city', 'age'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        consents: fc.record(
          { advertising: fc.constantFrom('granted', 'denied', 'unknown') },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((profiles) => profiles.map((profile, index) => ({ id: `property-${index}`, ...profile })));

const PROFILE_KEYS = ['id', 'identifiers', 'attributes', 'consents'];

/** A broken item of a list, and the names its error message must contain besides its index. */
type ItemDefect = [item: unknown, fields: string[]];

const itemDefect = (item: unknown, fields: string[]): ItemDefect => [item, fields];

/** A broken profile item. */
const invalidProfileArbitrary: fc.Arbitrary<ItemDefect> = fc.oneof(
  notObjectArbitrary.map((item) => itemDefect(item, [])),
  fc.constant(itemDefect({ identifiers: {} }, ['id'])),
  notStringArbitrary.map((id) => itemDefect({ id }, ['id'])),
  fc
    .integer({ min: 1_001, max: 50_000 })
    .map((length) => itemDefect({ id: longText(length) }, ['id'])),
  fc
    .tuple(unknownKeyArbitrary(PROFILE_KEYS), jsonArbitrary)
    .map(([key, value]) => itemDefect(withKey({ id: 'p-unknown-key' }, key, value), [key])),
  fc
    .tuple(fc.constantFrom('identifiers', 'attributes', 'consents'), notObjectArbitrary)
    .map(([key, value]) => itemDefect({ id: 'p-wrong-type', [key]: value }, [key])),
  fc
    .oneof(
      notStringArbitrary.filter((value) => !Array.isArray(value)),
      fc.array(notStringArbitrary, { minLength: 1, maxLength: 2 }),
      // Over the maximum of 50 values, and over the maximum length of 1000 characters.
      fc.constant(Array.from({ length: 51 }, (_, index) => `value-${index}`)),
      fc.integer({ min: 1_001, max: 5_000 }).map((length) => 'e'.repeat(length)),
    )
    .map((value) => itemDefect({ id: 'p-identifier', identifiers: { email: value } }, ['email'])),
  fc
    .oneof(fc.constantFrom('yes', 'GRANTED', ' granted', ''), notStringArbitrary)
    .map((value) => itemDefect({ id: 'p-consent', consents: { email: value } }, ['email'])),
  fc
    .tuple(unknownKeyArbitrary(['advertising', 'email']), fc.constantFrom('granted', 'denied'))
    .map(([key, value]) =>
      itemDefect({ id: 'p-purpose', consents: withKey({}, key, value) }, [key]),
    ),
);

function profileDefectArbitrary(): fc.Arbitrary<BadRequest> {
  const post = (body: unknown, fields: string[][]): BadRequest => ({
    method: 'POST',
    url: '/api/v1/profiles',
    body,
    fields,
    secrets: [],
  });

  return validProfilesArbitrary.chain((profiles) =>
    fc.oneof(
      notObjectArbitrary.map((body) => post(body, [['body']])),
      fc.constant(post({}, [['profiles']])),
      notObjectArbitrary
        .filter((value) => !Array.isArray(value))
        .map((value) => post({ profiles: value }, [['profiles']])),
      fc
        .tuple(unknownKeyArbitrary(['profiles']), jsonArbitrary)
        .map(([key, value]) => post(withKey({ profiles }, key, value), [[key]])),
      fc.tuple(invalidProfileArbitrary, fc.nat()).map(([[item, fields], position]) => {
        const index = position % (profiles.length + 1);
        const items = [...profiles.slice(0, index), item, ...profiles.slice(index)];
        return post({ profiles: items }, [
          [`profiles.${index}`],
          ...fields.map((field) => [field]),
        ]);
      }),
      fc.constant(
        post(
          { profiles: Array.from({ length: 10_001 }, (_, index) => ({ id: `too-many-${index}` })) },
          [['profiles']],
        ),
      ),
    ),
  );
}

// POST /api/v1/audiences

const RULE_KEYS = ['attribute', 'identifier', 'and', 'or', 'not'];

/** Rules that validation rejects, from generated valid rules. */
const invalidRuleArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      ruleArbitrary,
      unknownKeyArbitrary([...RULE_KEYS, 'op', 'value']),
      fc.jsonValue({ maxDepth: 1 }),
    )
    .map(([rule, key, value]) => withKey(rule, key, value)),
  fc
    .jsonValue({ maxDepth: 1 })
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
  fc.integer({ min: 21, max: 2_000 }).map((depth) => {
    let rule: unknown = { attribute: 'tier', op: 'exists' };
    for (let level = 0; level < depth; level += 1) rule = { not: rule };
    return rule;
  }),
  fc.constant({ or: Array.from({ length: 501 }, () => ({ attribute: 'tier', op: 'exists' })) }),
  fc.constant({
    attribute: 'tier',
    op: 'in',
    value: Array.from({ length: 1_001 }, (_, index) => index),
  }),
);

/**
 * Generates connections the API accepts, to the second connector: an existing custom audience, or one
 * the partner simulator creates.
 */
function validConnectionArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    fc.stringMatching(/^[0-9]{1,12}$/).map((customAudienceId) => ({
      connectorId: secondConnectorId,
      settings: { customAudienceId },
    })),
    validNameArbitrary.map((audienceName) => ({
      connectorId: secondConnectorId,
      settings: { audienceName },
    })),
  );
}

/** Generates broken connections to the first connector, or to none. */
function invalidConnectionArbitrary(): fc.Arbitrary<ItemDefect> {
  const settings = { customAudienceId: '1' };

  return fc.oneof(
    notObjectArbitrary.map((item) => itemDefect(item, [])),
    fc
      .tuple(unknownKeyArbitrary(['connectorId', 'settings']), jsonArbitrary)
      .map(([key, value]) => itemDefect(withKey({ connectorId, settings }, key, value), [key])),
    notStringArbitrary.map((value) =>
      itemDefect({ connectorId: value, settings }, ['connectorId']),
    ),
    fc.constant(itemDefect({ connectorId: '', settings }, ['connectorId'])),
    fc.constant(itemDefect({ connectorId: 'c'.repeat(101), settings }, ['connectorId'])),
    fc.uuid().map((id) => itemDefect({ connectorId: id, settings }, ['connectorId'])),
    notObjectArbitrary.map((value) => itemDefect({ connectorId, settings: value }, ['settings'])),
    // Meta audience settings need exactly one of customAudienceId and audienceName.
    fc
      .constantFrom<Record<string, unknown>>(
        {},
        { customAudienceId: '1', audienceName: 'Both' },
        { customAudienceId: 'abc' },
        { customAudienceId: 12 },
        { audienceName: '' },
        { listId: '1' },
      )
      .map((value) => itemDefect({ connectorId, settings: value }, ['settings'])),
  );
}

function audienceDefectArbitrary(): fc.Arbitrary<BadRequest> {
  const post = (body: unknown, fields: string[][]): BadRequest => ({
    method: 'POST',
    url: '/api/v1/audiences',
    body,
    fields,
    secrets: [],
  });
  const baseArbitrary = fc.record(
    {
      name: validNameArbitrary,
      rule: ruleArbitrary,
      connections: fc.constant([] as unknown[]),
    },
    { requiredKeys: ['name', 'connections'] },
  );

  return baseArbitrary.chain((base) =>
    fc.oneof(
      notObjectArbitrary.map((body) => post(body, [['body']])),
      fc
        .tuple(unknownKeyArbitrary(['name', 'rule', 'connections']), jsonArbitrary)
        .map(([key, value]) => post(withKey(base, key, value), [[key]])),
      fc.constantFrom('name', 'connections').map((key) => post(without(base, key), [[key]])),
      notStringArbitrary.map((name) => post({ ...base, name }, [['name']])),
      invalidNameArbitrary.map((name) => post({ ...base, name }, [['name']])),
      notObjectArbitrary
        .filter((value) => !Array.isArray(value))
        .map((connections) => post({ ...base, connections }, [['connections']])),
      invalidRuleArbitrary.map((rule) => post({ ...base, rule }, [['rule']])),
      fc
        .tuple(fc.array(validConnectionArbitrary(), { maxLength: 1 }), invalidConnectionArbitrary())
        .map(([valid, [item, fields]]) => {
          const index = valid.length;
          return post({ ...base, connections: [...valid, item] }, [
            [`connections.${index}`, `connections[${index}]`],
            ...fields.map((field) => [field]),
          ]);
        }),
      validConnectionArbitrary().map((connection) =>
        post({ ...base, connections: [connection, connection] }, [
          ['connections[1]'],
          ['connectorId'],
        ]),
      ),
      fc.constant(
        post(
          {
            ...base,
            connections: Array.from({ length: 101 }, () => ({
              connectorId,
              settings: { customAudienceId: '1' },
            })),
          },
          [['connections']],
        ),
      ),
    ),
  );
}

// The checks every bad request must pass.

async function countRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of WATCHED_TABLES) {
    const row = await service.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }

  return counts;
}

async function storedConnector(): Promise<unknown> {
  return service.store.db
    .selectFrom('connectors')
    .selectAll()
    .where('id', '=', connectorId)
    .executeTakeFirst();
}

/** Parts of a secret a message might quote: every 8 characters of its random part. */
function secretParts(secret: string): string[] {
  const random = secret.replace(/^sekrit-/, '');
  const parts: string[] = [];
  for (let start = 0; start + 8 <= random.length; start += 1)
    parts.push(random.slice(start, start + 8));

  return parts;
}

/** Sends a bad request and checks the error, the secrets and that nothing changed. */
async function expectRejected(request: BadRequest): Promise<void> {
  const rowsBefore = await countRows();
  const connectorBefore = await storedConnector();
  const partnerRequestsBefore = (await simulator.requests()).length;
  const logStart = service.logText().length;

  const payload = request.text ?? serialize(request.body, compactValues(request.body));
  const response = await service.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...service.auth, 'content-type': 'application/json' },
    payload,
  });
  // The JSON body parser rejects a `__proto__` key before validation, so the message can only
  // name the body.
  const fields = payload.includes('"__proto__":') ? [['body']] : request.fields;

  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<Record<string, unknown>>();
  expect(body.statusCode).toBe(response.statusCode);
  expect(body.error).toBeTypeOf('string');
  expect(body.code).toBeTypeOf('string');
  expect(body.message).toBeTypeOf('string');
  for (const names of fields) {
    expect(
      names.some((name) => String(body.message).includes(name)),
      `${String(body.message)} names one of ${names.join(', ')}`,
    ).toBe(true);
  }
  const log = service.logText().slice(logStart);
  for (const secret of request.secrets) {
    for (const part of secretParts(secret)) {
      expect(response.body).not.toContain(part);
      expect(log).not.toContain(part);
    }
  }
  expect(await countRows()).toEqual(rowsBefore);
  expect(await storedConnector()).toEqual(connectorBefore);
  expect((await simulator.requests()).length).toBe(partnerRequestsBefore);
}

/**
 * Sends any JSON body and checks that the response is no server error: a success, or a 4xx JSON
 * error that leaves the store unchanged.
 */
async function expectNoServerError(
  method: 'POST' | 'PATCH',
  url: string,
  body: unknown,
): Promise<void> {
  const rowsBefore = await countRows();
  const response = await service.app.inject({
    method,
    url,
    headers: { ...service.auth, 'content-type': 'application/json' },
    payload: serialize(body, compactValues(body)),
  });

  expect(response.statusCode).toBeLessThan(500);
  if (response.statusCode < 400) return;
  const error = response.json<Record<string, unknown>>();
  expect(error.statusCode).toBe(response.statusCode);
  expect(error.message).toBeTypeOf('string');
  expect(await countRows()).toEqual(rowsBefore);
}

/** Any JSON body: any value, or an object with an endpoint's keys set to any values. */
function anyBodyArbitrary(keys: readonly string[]): fc.Arbitrary<unknown> {
  const valueArbitrary = fc.oneof(jsonArbitrary, fc.string({ unit: 'binary', maxLength: 300 }));

  return fc.oneof(
    jsonArbitrary,
    fc
      .array(fc.tuple(fc.constantFrom(...keys), valueArbitrary), { maxLength: keys.length + 1 })
      .map((entries) => Object.fromEntries(entries)),
  );
}

const ENDPOINTS: [string, 'POST' | 'PATCH', () => string, string[]][] = [
  [
    'POST /connectors',
    'POST',
    () => '/api/v1/connectors',
    ['type', 'name', 'settings', 'credentials'],
  ],
  [
    'PATCH /connectors/:id',
    'PATCH',
    () => `/api/v1/connectors/${connectorId}`,
    ['name', 'settings', 'credentials'],
  ],
  ['POST /profiles', 'POST', () => '/api/v1/profiles', ['profiles']],
  ['POST /audiences', 'POST', () => '/api/v1/audiences', ['name', 'rule', 'connections']],
];

describe('API schema properties', () => {
  it.each(ENDPOINTS)(
    'answers %s without a server error',
    async (_name, method, url, keys) => {
      await fc.assert(
        fc.asyncProperty(anyBodyArbitrary(keys), (body) =>
          expectNoServerError(method, url(), body),
        ),
        propertyRuns(RUNS / 2),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'rejects bad connector bodies',
    async () => {
      await fc.assert(
        fc.asyncProperty(connectorDefectArbitrary(), expectRejected),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'rejects bad connector patches',
    async () => {
      await fc.assert(fc.asyncProperty(patchDefectArbitrary(), expectRejected), propertyRuns(RUNS));
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'rejects bad profile bodies',
    async () => {
      await fc.assert(
        fc.asyncProperty(profileDefectArbitrary(), expectRejected),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'rejects bad audience bodies',
    async () => {
      await fc.assert(
        fc.asyncProperty(audienceDefectArbitrary(), expectRejected),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
