import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, BatchProfile, BatchResult, ProfileOutcome } from '../connector-type.js';
import { sharedAccessTokens } from './access-token.js';
import type { DataManagerAccounts, DataManagerAudienceSettings } from './schemas.js';
import { checkDataManagerConfirmation, sendDataManagerBatch } from './sender.js';
import {
  type GoogleSimulatorFixture,
  SIMULATOR_CREDENTIALS,
  startGoogleSimulatorFixture,
} from './simulator-fixture.js';

let simulator: GoogleSimulatorFixture;

beforeAll(async () => {
  simulator = await startGoogleSimulatorFixture();
});

afterAll(async () => {
  await simulator.close();
});

const USER_LIST_ID = '7001';
const ACCOUNTS: DataManagerAccounts = {
  operatingAccount: { accountType: 'DISPLAY_VIDEO_ADVERTISER', accountId: '555' },
  loginAccount: { accountType: 'DISPLAY_VIDEO_PARTNER', accountId: '777' },
};

beforeEach(async () => {
  sharedAccessTokens.clear();
  await simulator.control('POST', '/reset');
  await simulator.createUserList(USER_LIST_ID);
});

/** Reference digest, computed here without the code under test. */
function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function context(options: Parameters<GoogleSimulatorFixture['context']>[1] = {}) {
  return simulator.context({}, options);
}

function batchOf(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  userListId = USER_LIST_ID,
): Batch<DataManagerAudienceSettings> {
  return { operation, destination: { userListId }, profiles };
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: Parameters<GoogleSimulatorFixture['context']>[1] = {},
): Promise<BatchResult> {
  return sendDataManagerBatch(context(options), batchOf(profiles, operation), ACCOUNTS);
}

function emailProfile(key: string, email: string, extra: Partial<BatchProfile> = {}): BatchProfile {
  return { key, identifiers: { email: [email] }, ...extra };
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

function confirmationOf(result: BatchResult): string {
  const pending = result.outcomes.find((outcome) => outcome.status === 'pending');
  if (pending?.status !== 'pending')
    throw new Error(`no pending outcome in ${JSON.stringify(result)}`);

  return pending.confirmation;
}

/** Checks the confirmation until Google's status is final. The simulator needs two checks. */
async function confirm(
  result: BatchResult,
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
): Promise<BatchResult> {
  const requestId = confirmationOf(result);
  const pendingKeys = new Set(
    result.outcomes.filter((outcome) => outcome.status === 'pending').map((outcome) => outcome.key),
  );
  const batch = batchOf(
    profiles.filter((profile) => pendingKeys.has(profile.key)),
    operation,
  );
  for (let check = 0; check < 5; check++) {
    const status = await checkDataManagerConfirmation(context(), requestId, batch);
    if (status.done) return status.result;
  }
  throw new Error(`request ${requestId} was not final after 5 checks`);
}

async function uploads(): Promise<{ path: string; body: any; status?: number }[]> {
  const requests = await simulator.requests();

  return requests.filter((request) => request.path.startsWith('/google/v1/audienceMembers')) as {
    path: string;
    body: any;
    status?: number;
  }[];
}

async function tokenRequestCount(): Promise<number> {
  const requests = await simulator.requests();

  return requests.filter((request) => request.path === '/google/token').length;
}

describe('sendDataManagerBatch add and remove', () => {
  it('returns pending outcomes with the request id', async () => {
    const result = await send([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'b@example.com'),
    ]);

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'pending', confirmation: expect.any(String) },
      { key: 'p2', status: 'pending', confirmation: confirmationOf(result) },
    ]);
  });

  it('sends hashed members with terms and encoding', async () => {
    const granted = { advertising: 'granted' as const };
    await send([emailProfile('p1', ' Jane.Doe@Example.com ', { consents: granted })]);
    const [upload] = await uploads();

    expect(upload?.path).toBe('/google/v1/audienceMembers:ingest');
    expect(upload?.body).toEqual({
      destinations: [
        {
          operatingAccount: { accountType: 'DISPLAY_VIDEO_ADVERTISER', accountId: '555' },
          loginAccount: { accountType: 'DISPLAY_VIDEO_PARTNER', accountId: '777' },
          productDestinationId: USER_LIST_ID,
        },
      ],
      audienceMembers: [
        {
          userData: { userIdentifiers: [{ emailAddress: sha256('jane.doe@example.com') }] },
          consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
        },
      ],
      encoding: 'HEX',
      termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' },
    });
  });

  it('confirms an add after processing', async () => {
    const profiles = [emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')];
    const sent = await send(profiles);
    const batch = batchOf(profiles);

    const first = await checkDataManagerConfirmation(context(), confirmationOf(sent), batch);
    expect(first).toEqual({ done: false, retryAfterSeconds: 30 });
    expect(await simulator.members(USER_LIST_ID)).toEqual([]);

    const second = await checkDataManagerConfirmation(context(), confirmationOf(sent), batch);
    expect(second).toEqual({
      done: true,
      result: {
        outcomes: [
          { key: 'p1', status: 'added' },
          { key: 'p2', status: 'added' },
        ],
      },
    });
    expect(await simulator.members(USER_LIST_ID)).toEqual([
      { EMAIL: sha256('a@example.com') },
      { EMAIL: sha256('b@example.com') },
    ]);
  });

  it('confirms a removal', async () => {
    const profiles = [emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')];
    await confirm(await send(profiles), profiles);

    const removal = [emailProfile('p1', 'a@example.com')];
    const sent = await send(removal, 'remove');
    const result = await confirm(sent, removal, 'remove');

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await simulator.members(USER_LIST_ID)).toEqual([{ EMAIL: sha256('b@example.com') }]);
    const removeUpload = (await uploads()).find((upload) => upload.path.endsWith(':remove'));
    expect(removeUpload?.body.consent).toBeUndefined();
    expect(removeUpload?.body.termsOfService).toBeUndefined();
    expect(removeUpload?.body.encoding).toBe('HEX');
  });

  it('reports skipped profiles next to sent ones', async () => {
    const result = await send([
      emailProfile('p1', 'a@example.com'),
      { key: 'p2', identifiers: {} },
      { key: 'p3', identifiers: { phone: ['0612345678'] } },
    ]);

    expect(result.outcomes).toEqual([
      { key: 'p2', status: 'skipped', reason: 'no_identifier' },
      { key: 'p3', status: 'skipped', reason: 'invalid_identifier' },
      { key: 'p1', status: 'pending', confirmation: expect.any(String) },
    ]);
  });

  it('sends nothing when every profile is skipped', async () => {
    const result = await send([{ key: 'p1', identifiers: { email: [' '] } }]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'skipped', reason: 'no_identifier' }]);
    expect(await uploads()).toEqual([]);
  });
});

describe('sendDataManagerBatch partial failure', () => {
  it('counts failed records of a partial success', async () => {
    await simulator.fault({ mode: 'invalid_marked', value: sha256('bad@example.com') });
    const profiles = [
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'bad@example.com'),
      emailProfile('p3', 'c@example.com'),
    ];
    const result = await confirm(await send(profiles), profiles);

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
      { key: 'p3', status: 'added' },
    ]);
    expect(result.invalidEntries).toBe(1);
    expect(await simulator.members(USER_LIST_ID)).toHaveLength(2);
  });

  it('fails the profile of a failed single-member request', async () => {
    await simulator.fault({ mode: 'invalid_marked', value: sha256('bad@example.com') });
    const profiles = [emailProfile('p1', 'bad@example.com')];
    const result = await confirm(await send(profiles), profiles);

    expect(result.outcomes).toEqual([
      {
        key: 'p1',
        status: 'error',
        category: 'partner_error',
        retryable: false,
        partnerCode: 'PROCESSING_ERROR_REASON_INVALID_FORMAT',
        partnerMessage: expect.stringContaining('1 of 1 records'),
      },
    ]);
  });

  it('fails members whose consent is denied', async () => {
    const profiles = [emailProfile('p1', 'a@example.com', { consents: { advertising: 'denied' } })];
    const result = await confirm(await send(profiles), profiles);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      partnerCode: 'PROCESSING_ERROR_REASON_DENIED_CONSENT',
      retryable: false,
    });
  });

  it('rejects a named member and resends the rest', async () => {
    await simulator.fault({ mode: 'reject_marked', value: sha256('bad@example.com') });
    const result = await send([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'bad@example.com'),
      emailProfile('p3', 'c@example.com'),
    ]);

    expect(outcomeOf(result, 'p2')).toEqual({
      key: 'p2',
      status: 'error',
      category: 'partner_error',
      retryable: false,
      partnerCode: 'INVALID_SHA256_FORMAT',
      partnerMessage: expect.stringContaining('audience_members[1]'),
      httpStatus: 400,
    });
    expect(outcomeOf(result, 'p1')?.status).toBe('pending');
    expect(outcomeOf(result, 'p3')?.status).toBe('pending');
    const sent = await uploads();
    expect(sent.map((upload) => upload.status)).toEqual([400, 200]);
    expect(sent[1]?.body.audienceMembers).toHaveLength(2);
  });
});

describe('sendDataManagerBatch authentication', () => {
  it('refreshes the token once after a 401', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'expired_token', count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')?.status).toBe('pending');
    expect(await tokenRequestCount()).toBe(2);
    expect((await uploads()).map((upload) => upload.status)).toEqual([401, 200]);
  });

  it('reports 401 after the refresh as invalid credentials', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'expired_token', count: 3 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      retryable: false,
      httpStatus: 401,
    });
  });

  it('reports a revoked refresh token as invalid_grant', async () => {
    const credentials = { ...SIMULATOR_CREDENTIALS, refreshToken: 'refresh-revoked' };
    await simulator.control('POST', '/tokens', {
      partner: 'google',
      token: 'refresh-revoked',
      state: 'expired',
    });
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', { credentials });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      retryable: false,
      partnerCode: 'invalid_grant',
      httpStatus: 400,
    });
    expect(await uploads()).toEqual([]);
  });

  it('reports a token without the scope as invalid credentials', async () => {
    const credentials = { ...SIMULATOR_CREDENTIALS, refreshToken: 'refresh-adwords-only' };
    await simulator.control('POST', '/tokens', {
      partner: 'google',
      token: 'refresh-adwords-only',
      state: 'missing_permission',
    });
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', { credentials });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      httpStatus: 403,
    });
  });

  it('reuses the cached access token', async () => {
    await send([emailProfile('p1', 'a@example.com')]);
    await send([emailProfile('p2', 'b@example.com')]);

    expect(await tokenRequestCount()).toBe(1);
  });
});

describe('sendDataManagerBatch request errors', () => {
  it('retries a throttled request after at least 30 seconds', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'partner_error', code: 3, status: 429, count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      retryable: true,
      partnerCode: 'RESOURCE_EXHAUSTED',
      httpStatus: 429,
      retryAfterSeconds: 30,
    });
  });

  it('keeps a longer Retry-After of a throttled request', async () => {
    await simulator.primeToken(context());
    await simulator.fault({
      mode: 'partner_error',
      code: 3,
      status: 429,
      retryAfterSeconds: 90,
      count: 1,
    });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({ retryAfterSeconds: 90 });
  });

  it('fails at once on TOO_MANY_AUDIENCE_MEMBERS', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'partner_error', code: 17, count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'partner_error',
      retryable: false,
      partnerCode: 'TOO_MANY_AUDIENCE_MEMBERS',
      httpStatus: 400,
    });
  });

  it('reports an unknown user list', async () => {
    const result = await sendDataManagerBatch(
      context(),
      batchOf([emailProfile('p1', 'a@example.com')], 'add', '9999'),
      ACCOUNTS,
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'partner_error',
      retryable: false,
      partnerCode: 'INVALID_USER_LIST_ID',
    });
  });

  it('retries an HTML 502 page as other', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'html', count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'other',
      retryable: true,
      httpStatus: 502,
    });
    expect(outcomeOf(result, 'p1')).not.toHaveProperty('partnerCode');
  });

  it('retries an INTERNAL_ERROR', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'partner_error', code: 1, status: 500, count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'partner_error',
      retryable: true,
      partnerCode: 'INTERNAL_ERROR',
      httpStatus: 500,
    });
  });

  it('reports a slow response as timeout', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'delay', delayMs: 1_000, count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', { timeoutMs: 200 });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'timeout',
      retryable: true,
    });
  });

  it('reports a connection reset as other', async () => {
    await simulator.primeToken(context());
    await simulator.fault({ mode: 'reset', count: 1 });
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({ category: 'other', retryable: true });
  });
});

describe('checkDataManagerConfirmation errors', () => {
  const profiles = [emailProfile('p1', 'a@example.com')];

  it('resends profiles of an unknown request id', async () => {
    const status = await checkDataManagerConfirmation(
      context(),
      'no-such-request',
      batchOf(profiles),
    );

    expect(status).toEqual({
      done: true,
      result: {
        outcomes: [
          {
            key: 'p1',
            status: 'error',
            category: 'partner_error',
            retryable: true,
            partnerCode: 'INVALID_REQUEST_ID',
            partnerMessage: expect.any(String),
            httpStatus: 400,
          },
        ],
      },
    });
  });

  it('waits longer when the status check is throttled', async () => {
    const sent = await send(profiles);
    await simulator.fault({ mode: 'partner_error', code: 3, status: 429, count: 1 });
    const status = await checkDataManagerConfirmation(
      context(),
      confirmationOf(sent),
      batchOf(profiles),
    );

    expect(status).toEqual({ done: false, retryAfterSeconds: 30 });
  });

  it('waits when the status check times out', async () => {
    const sent = await send(profiles);
    await simulator.fault({ mode: 'delay', delayMs: 1_000, count: 1 });
    const status = await checkDataManagerConfirmation(
      context({ timeoutMs: 200 }),
      confirmationOf(sent),
      batchOf(profiles),
    );

    expect(status).toEqual({ done: false, retryAfterSeconds: 30 });
  });

  it('ends the wait on rejected credentials', async () => {
    const sent = await send(profiles);
    await simulator.fault({ mode: 'missing_permission', count: 1 });
    const status = await checkDataManagerConfirmation(
      context(),
      confirmationOf(sent),
      batchOf(profiles),
    );

    const outcomes = status.done ? status.result.outcomes : [];

    expect(status.done).toBe(true);
    expect(outcomes[0]).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
    });
  });

  it('throws on an unexpected final error', async () => {
    const sent = await send(profiles);
    await simulator.fault({ mode: 'partner_error', code: 6, count: 1 });

    await expect(
      checkDataManagerConfirmation(context(), confirmationOf(sent), batchOf(profiles)),
    ).rejects.toThrow(/INVALID_ARGUMENT/);
  });
});
