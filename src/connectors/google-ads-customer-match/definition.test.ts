import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileValidator, createAjv } from '../../validation/schema-validator.js';
import type { Batch, BatchProfile, BatchResult, ProfileOutcome } from '../connector-type.js';
import { sharedAccessTokens } from '../google-data-manager/access-token.js';
import type { DataManagerAudienceSettings } from '../google-data-manager/schemas.js';
import {
  type GoogleSimulatorFixture,
  SIMULATOR_CREDENTIALS,
  startGoogleSimulatorFixture,
} from '../google-data-manager/simulator-fixture.js';
import { googleAdsCustomerMatch, normalizeGoogleAdsSettings } from './definition.js';
import type { GoogleAdsSettings } from './schemas.js';

let simulator: GoogleSimulatorFixture;

beforeAll(async () => {
  simulator = await startGoogleSimulatorFixture();
});

afterAll(async () => {
  await simulator.close();
});

const USER_LIST_ID = '990022';
// The type receives settings as the catalog stores them, after normalizeSettings.
const SETTINGS: GoogleAdsSettings = normalizeGoogleAdsSettings({
  customerId: '123-456-7890',
  loginCustomerId: '111-222-3333',
});

beforeEach(async () => {
  sharedAccessTokens.clear();
  await simulator.control('POST', '/reset');
  await simulator.createUserList(USER_LIST_ID);
});

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function context(
  options: Parameters<GoogleSimulatorFixture['context']>[1] = {},
  settings = SETTINGS,
) {
  return simulator.context(settings, options);
}

function batchOf(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
): Batch<DataManagerAudienceSettings> {
  return { operation, destination: { userListId: USER_LIST_ID }, profiles };
}

function emailProfile(key: string, email: string): BatchProfile {
  return { key, identifiers: { email: [email] } };
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

/**
 * Sends a batch with the type and checks its confirmation until Google's status is final. As the
 * engine does, only the pending profiles go to the check, and the other outcomes are kept.
 */
async function deliver(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
): Promise<BatchResult> {
  const sent = await googleAdsCustomerMatch.sendBatch(context(), batchOf(profiles, operation));
  const pending = sent.outcomes.filter((outcome) => outcome.status === 'pending');
  const first = pending[0];
  if (first?.status !== 'pending') return sent;

  const pendingKeys = new Set(pending.map((outcome) => outcome.key));
  const pendingBatch = batchOf(
    profiles.filter((profile) => pendingKeys.has(profile.key)),
    operation,
  );
  const settled = sent.outcomes.filter((outcome) => outcome.status !== 'pending');
  for (let check = 0; check < 5; check++) {
    const status = await googleAdsCustomerMatch.checkConfirmation!(
      context(),
      first.confirmation,
      pendingBatch,
    );
    if (status.done) return { ...status.result, outcomes: [...settled, ...status.result.outcomes] };
  }
  throw new Error('the request was not final after 5 checks');
}

describe('google-ads-customer-match catalog entry', () => {
  it('describes the type', () => {
    expect(googleAdsCustomerMatch.id).toBe('google-ads-customer-match');
    expect(googleAdsCustomerMatch.identifierTypes).toEqual(['email', 'phone']);
    expect(googleAdsCustomerMatch.multipleConfigurations).toBe(true);
    expect(googleAdsCustomerMatch.defaultBaseUrl).toBe('https://datamanager.googleapis.com');
    expect(googleAdsCustomerMatch.consent).toEqual({
      purposes: ['advertising'],
      unknownAllowed: true,
    });
    expect(googleAdsCustomerMatch.defaults.maxBatchSize).toBe(10_000);
    expect(googleAdsCustomerMatch.defaults.maxRequestsPerSecond).toBe(5);
    expect(googleAdsCustomerMatch.destinationKey({ userListId: '42' })).toBe('42');
  });

  it('validates settings', () => {
    const check = compileValidator(createAjv(), googleAdsCustomerMatch.settingsSchema, 'settings');

    expect(check({ customerId: '1234567890' })).toBeUndefined();
    expect(check({ customerId: '123-456-7890', loginCustomerId: '111-222-3333' })).toBeUndefined();
    expect(check({})).toContain('customerId is required');
    expect(check({ customerId: '12345' })).toContain('invalid format');
    expect(check({ customerId: '123-4567-890' })).toContain('invalid format');
    expect(check({ customerId: '1234567890', advertiserId: '1' })).toContain(
      "unknown field 'advertiserId'",
    );
  });

  it('strips dashes from customer ids', () => {
    expect(
      googleAdsCustomerMatch.normalizeSettings?.({
        customerId: '123-456-7890',
        loginCustomerId: '111-222-3333',
      }),
    ).toEqual({ customerId: '1234567890', loginCustomerId: '1112223333' });
    expect(googleAdsCustomerMatch.normalizeSettings?.({ customerId: '1234567890' })).toEqual({
      customerId: '1234567890',
    });
  });

  it('validates credentials and connection settings', () => {
    const ajv = createAjv();
    const checkCredentials = compileValidator(
      ajv,
      googleAdsCustomerMatch.credentialsSchema,
      'credentials',
    );
    const checkConnection = compileValidator(
      ajv,
      googleAdsCustomerMatch.audienceSettingsSchema,
      'settings',
    );

    expect(checkCredentials(SIMULATOR_CREDENTIALS)).toBeUndefined();
    expect(checkCredentials({ clientId: 'a', clientSecret: 'b' })).toContain(
      'refreshToken is required',
    );
    expect(checkConnection({ userListId: '42' })).toBeUndefined();
    expect(checkConnection({ userListId: 'list-42' })).toContain('invalid format');
    expect(checkConnection({})).toContain('userListId is required');
  });

  it('marks secrets write-only', () => {
    const properties = googleAdsCustomerMatch.credentialsSchema.properties as Record<
      string,
      { writeOnly?: boolean }
    >;

    expect(properties.clientSecret?.writeOnly).toBe(true);
    expect(properties.refreshToken?.writeOnly).toBe(true);
    expect(properties.clientId?.writeOnly).toBeUndefined();
  });

  it('explains a mapped partner code', () => {
    expect(googleAdsCustomerMatch.explainError?.('TOO_MANY_AUDIENCE_MEMBERS')?.summary).toContain(
      '10,000',
    );
    expect(googleAdsCustomerMatch.explainError?.('NOT_A_CODE')).toBeUndefined();
  });
});

describe('google-ads-customer-match delivery', () => {
  it('adds profiles after the pending request is confirmed', async () => {
    const profiles = [
      emailProfile('p1', 'a@example.com'),
      { key: 'p2', identifiers: { phone: ['+31612345678'] } },
    ];
    const result = await deliver(profiles);

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
    ]);
    expect(await simulator.members(USER_LIST_ID)).toEqual([
      { EMAIL: sha256('a@example.com') },
      { PHONE: sha256('+31612345678') },
    ]);
  });

  it('sends the customer and the manager login account', async () => {
    await googleAdsCustomerMatch.sendBatch(
      context(),
      batchOf([emailProfile('p1', 'a@example.com')]),
    );
    const upload = (await simulator.requests()).find((request) => request.path.endsWith(':ingest'));

    expect((upload?.body as { destinations: unknown[] }).destinations).toEqual([
      {
        operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
        loginAccount: { accountType: 'GOOGLE_ADS', accountId: '1112223333' },
        productDestinationId: USER_LIST_ID,
      },
    ]);
  });

  it('removes profiles', async () => {
    await deliver([emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')]);
    const result = await deliver([emailProfile('p1', 'a@example.com')], 'remove');

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await simulator.members(USER_LIST_ID)).toEqual([{ EMAIL: sha256('b@example.com') }]);
  });

  it('reports a partial failure', async () => {
    await simulator.fault({ mode: 'invalid_marked', value: sha256('bad@example.com') });
    const result = await deliver([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'bad@example.com'),
    ]);

    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['added', 'added']);
    expect(result.invalidEntries).toBe(1);
    expect(await simulator.members(USER_LIST_ID)).toEqual([{ EMAIL: sha256('a@example.com') }]);
  });

  it('reports a rejected member on its own', async () => {
    await simulator.fault({ mode: 'reject_marked', value: sha256('bad@example.com') });
    const result = await deliver([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'bad@example.com'),
    ]);

    expect(outcomeOf(result, 'p2')).toMatchObject({
      status: 'error',
      partnerCode: 'INVALID_SHA256_FORMAT',
    });
    expect(await simulator.members(USER_LIST_ID)).toEqual([{ EMAIL: sha256('a@example.com') }]);
  });

  it('reports invalid credentials', async () => {
    const credentials = { ...SIMULATOR_CREDENTIALS, clientId: 'unknown-client' };
    const result = await googleAdsCustomerMatch.sendBatch(
      context({ credentials }),
      batchOf([emailProfile('p1', 'a@example.com')]),
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      retryable: false,
      partnerCode: 'invalid_client',
    });
  });

  it('retries a throttled request', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'partner_error', code: 3, status: 429, count: 1 });
    const result = await googleAdsCustomerMatch.sendBatch(
      context(),
      batchOf([emailProfile('p1', 'a@example.com')]),
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'partner_error',
      partnerCode: 'RESOURCE_EXHAUSTED',
      retryable: true,
      retryAfterSeconds: 30,
    });
  });

  it('reports a timeout', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'delay', delayMs: 1_000, count: 1 });
    const result = await googleAdsCustomerMatch.sendBatch(
      context({ timeoutMs: 200 }),
      batchOf([emailProfile('p1', 'a@example.com')]),
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({ category: 'timeout', retryable: true });
  });

  it('reports a partner error code', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'partner_error', code: 26, count: 1 });
    const result = await googleAdsCustomerMatch.sendBatch(
      context(),
      batchOf([emailProfile('p1', 'a@example.com')]),
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'partner_error',
      partnerCode: 'TERMS_AND_CONDITIONS_NOT_SIGNED',
      retryable: false,
      httpStatus: 400,
    });
  });
});

describe('google-ads-customer-match credential check', () => {
  it('lists user lists of the customer', async () => {
    const result = await googleAdsCustomerMatch.checkCredentials(context());
    const requests = await simulator.requests();
    const listRequest = requests.find((request) => request.path.endsWith('/userLists'));

    expect(result).toEqual({
      ok: true,
      message: expect.stringContaining('GOOGLE_ADS account 1234567890'),
    });
    expect(requests.map((request) => request.path)).toEqual([
      '/google/token',
      '/google/v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists',
    ]);
    expect(listRequest?.headers['login-account']).toBe(
      'accountTypes/GOOGLE_ADS/accounts/1112223333',
    );
    expect(listRequest?.headers.authorization).toBe('***');
  });

  it('exchanges the refresh token even with a cached token', async () => {
    await simulator.primeToken(context());
    await googleAdsCustomerMatch.checkCredentials(context());
    const tokenRequests = (await simulator.requests()).filter(
      (request) => request.path === '/google/token',
    );

    expect(tokenRequests).toHaveLength(2);
  });

  it('reports a revoked refresh token', async () => {
    await simulator.control('POST', '/tokens', {
      partner: 'google',
      token: 'refresh-gone',
      state: 'expired',
    });
    const credentials = { ...SIMULATOR_CREDENTIALS, refreshToken: 'refresh-gone' };
    const result = await googleAdsCustomerMatch.checkCredentials(context({ credentials }));

    expect(result).toEqual({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: 'invalid_grant',
      message: expect.stringContaining('new refresh token'),
    });
  });

  it('reports a token without the Data Manager scope', async () => {
    await simulator.control('POST', '/tokens', {
      partner: 'google',
      token: 'refresh-ads',
      state: 'missing_permission',
    });
    const credentials = { ...SIMULATOR_CREDENTIALS, refreshToken: 'refresh-ads' };
    const result = await googleAdsCustomerMatch.checkCredentials(context({ credentials }));

    expect(result).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
    });
  });

  it('reports a timeout of the token endpoint', async () => {
    await simulator.fault({ mode: 'delay', delayMs: 1_000, count: 1 });
    const result = await googleAdsCustomerMatch.checkCredentials(context({ timeoutMs: 200 }));

    expect(result).toMatchObject({ ok: false, category: 'timeout' });
  });
});

describe('google-ads-customer-match settings as entered', () => {
  it('sends customer ids without dashes', async () => {
    const entered = { customerId: '123-456-7890', loginCustomerId: '111-222-3333' };
    await googleAdsCustomerMatch.sendBatch(
      context({}, entered),
      batchOf([emailProfile('p1', 'a@example.com')]),
    );
    const upload = (await simulator.requests()).find((request) => request.path.endsWith(':ingest'));
    const [destination] = (upload?.body as { destinations: Record<string, unknown>[] })
      .destinations;

    expect(destination?.operatingAccount).toEqual({
      accountType: 'GOOGLE_ADS',
      accountId: '1234567890',
    });
    expect(destination?.loginAccount).toEqual({
      accountType: 'GOOGLE_ADS',
      accountId: '1112223333',
    });
    expect(upload?.status).toBe(200);
  });
});
