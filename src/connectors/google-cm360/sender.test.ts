import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import type { RunningSimulator } from '../../simulator/simulator-server.js';
import { startCm360TestSimulator } from '../../simulator/cm360/test-simulator.js';
import type { BatchProfile, BatchResult, ProfileOutcome } from '../connector-type.js';
import { sharedAccessTokenCache, type Cm360Context } from './access-token.js';
import type { Cm360AudienceSettings, Cm360Settings } from './schemas.js';
import { sendCm360Batch } from './sender.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startCm360TestSimulator();
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const ACTIVITY_ID = '5550001';
const DEVICE_ID = '6d92078a-8246-4ba4-ae5b-76104861e7dc';
const INSERT_PATH = '/cm360/dfareporting/v5/userprofiles/4242/conversions/batchinsert';

beforeEach(async () => {
  sharedAccessTokenCache.clear();
  await postControl('/_control/reset', {});
  await postControl('/_control/audiences', { partner: 'cm360', id: ACTIVITY_ID, name: 'Lead' });
});

async function postControl(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  await postControl('/_control/faults', { partner: 'cm360', ...fault });
}

interface RecordedRequest {
  path: string;
  headers: Record<string, unknown>;
  body: { conversions: Record<string, unknown>[]; encryptionInfo?: unknown; kind: string };
  status?: number;
}

async function readRequests(path: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${simulator.url}/_control/requests`);
  const body = (await response.json()) as { items: RecordedRequest[] };

  return body.items.filter((item) => item.path === path);
}

async function readMembers(activityId = ACTIVITY_ID): Promise<Record<string, string>[]> {
  const response = await fetch(`${simulator.url}/_control/audiences/${activityId}`);
  const body = (await response.json()) as { members: Record<string, string>[] };

  return body.members;
}

function context(
  options: { timeoutMs?: number; refreshToken?: string; settings?: Partial<Cm360Settings> } = {},
): Cm360Context {
  const baseUrl = `${simulator.url}/cm360`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    dispatcher,
    allowPrivateDestinations: true,
  });

  return {
    settings: {
      profileId: '4242',
      floodlightConfigurationId: '77',
      baseUrl,
      tokenUrl: `${baseUrl}/token`,
      ...options.settings,
    },
    credentials: {
      clientId: 'client-1',
      clientSecret: 'secret-1',
      refreshToken: options.refreshToken ?? 'refresh-1',
    },
    http,
  };
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: Parameters<typeof context>[0] & { destination?: Partial<Cm360AudienceSettings> } = {},
): Promise<BatchResult> {
  const destination = { floodlightActivityId: ACTIVITY_ID, ...options.destination };

  return sendCm360Batch(context(options), { operation, destination, profiles });
}

function matchProfile(key: string, matchId = `customer-${key}`): BatchProfile {
  return { key, identifiers: { externalId: [matchId] } };
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

describe('sendCm360Batch add and remove', () => {
  it('adds profiles as conversions', async () => {
    const result = await send([
      matchProfile('p1'),
      { key: 'p2', identifiers: { maid: [DEVICE_ID] }, consents: { advertising: 'granted' } },
    ]);

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
    ]);
    const members = await readMembers();
    expect(members.map((member) => member.matchId ?? member.mobileDeviceId)).toEqual([
      'customer-p1',
      DEVICE_ID,
    ]);
    expect(members[1]?.adUserDataConsent).toBe('GRANTED');
  });

  it('sends the documented request shape', async () => {
    await send([matchProfile('p1')], 'add', { destination: { quantity: 2, value: 9.5 } });
    const [request] = await readRequests(INSERT_PATH);

    expect(request?.headers.authorization).toBe('***');
    expect(request?.body.kind).toBe('dfareporting#conversionsBatchInsertRequest');
    expect(request?.body.encryptionInfo).toBeUndefined();
    expect(request?.body.conversions).toEqual([
      {
        kind: 'dfareporting#conversion',
        floodlightConfigurationId: '77',
        floodlightActivityId: ACTIVITY_ID,
        matchId: 'customer-p1',
        ordinal: '1',
        timestampMicros: expect.stringMatching(/^\d{16}$/) as string,
        quantity: '2',
        value: 9.5,
      },
    ]);
  });

  it('removes without a request', async () => {
    await send([matchProfile('p1')]);
    const result = await send([matchProfile('p1'), matchProfile('p2')], 'remove');

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'removed' },
      { key: 'p2', status: 'removed' },
    ]);
    expect(await readRequests(INSERT_PATH)).toHaveLength(1);
    expect(await readMembers()).toHaveLength(1);
  });

  it('reports skipped profiles next to sent ones', async () => {
    const result = await send([
      matchProfile('p1'),
      { key: 'p2', identifiers: { email: ['a@b.c'] } },
    ]);

    expect(result.outcomes).toEqual([
      { key: 'p2', status: 'skipped', reason: 'no_identifier' },
      { key: 'p1', status: 'added' },
    ]);
  });

  it('sends nothing when every profile is skipped', async () => {
    const result = await send([{ key: 'p1', identifiers: {} }]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'skipped', reason: 'no_identifier' }]);
    expect(await readRequests('/cm360/token')).toEqual([]);
  });

  it('sends encryptionInfo with encrypted ids', async () => {
    const encryptionInfo = {
      encryptionEntityType: 'DCM_ADVERTISER' as const,
      encryptionEntityId: '123',
      encryptionSource: 'AD_SERVING' as const,
    };
    const result = await send(
      [{ key: 'p1', identifiers: { encryptedUserId: ['AbC123'] } }],
      'add',
      {
        settings: { encryptionInfo },
      },
    );
    const [request] = await readRequests(INSERT_PATH);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(request?.body.encryptionInfo).toEqual({
      ...encryptionInfo,
      kind: 'dfareporting#encryptionInfo',
    });
    expect((await readMembers())[0]?.encryptedUserId).toBe('AbC123');
  });

  it('splits 1,001 conversions into two requests', async () => {
    const profiles = Array.from({ length: 1_001 }, (_, index) => matchProfile(`p${index}`));
    const result = await send(profiles);
    const requests = await readRequests(INSERT_PATH);

    expect(requests.map((request) => request.body.conversions.length)).toEqual([1_000, 1]);
    expect(result.outcomes.every((outcome) => outcome.status === 'added')).toBe(true);
    expect(result.outcomes).toHaveLength(1_001);
  });

  it('reuses the access token across batches', async () => {
    await send([matchProfile('p1')]);
    await send([matchProfile('p2')]);

    expect(await readRequests('/cm360/token')).toHaveLength(1);
    expect(await readRequests(INSERT_PATH)).toHaveLength(2);
  });
});

describe('sendCm360Batch responses', () => {
  it('reports a partial failure per conversion', async () => {
    await addFault({ mode: 'invalid_marked', value: 'customer-p2', count: 1 });
    const result = await send([matchProfile('p1'), matchProfile('p2')]);

    expect(outcomeOf(result, 'p1')).toEqual({ key: 'p1', status: 'added' });
    expect(outcomeOf(result, 'p2')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      retryable: false,
      partnerCode: 'INVALID_ARGUMENT',
      httpStatus: 200,
    });
    expect(await readMembers()).toHaveLength(1);
  });

  it('reports unknown activity as NOT_FOUND', async () => {
    const result = await send([matchProfile('p1')], 'add', {
      destination: { floodlightActivityId: '999' },
    });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      retryable: false,
      partnerCode: 'NOT_FOUND',
      partnerMessage: 'conversions[0]: Floodlight activity 999 was not found.',
    });
  });

  it('retries RESOURCE_EXHAUSTED after 30 s', async () => {
    await addFault({ mode: 'partner_error', status: 429, code: 8, count: 1 });
    const result = await send([matchProfile('p1')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      retryable: true,
      partnerCode: '429/RESOURCE_EXHAUSTED',
      httpStatus: 429,
      retryAfterSeconds: 30,
    });
  });

  it('retries the 403 rate limit of CM360', async () => {
    await addFault({
      mode: 'partner_error',
      status: 403,
      code: 7,
      subcode: 1,
      retryAfterSeconds: 90,
      count: 1,
    });
    const result = await send([matchProfile('p1')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'partner_error',
      retryable: true,
      partnerCode: '403/userRateLimitExceeded',
      retryAfterSeconds: 90,
    });
  });

  it.each([
    ['a 503 in plain text', { mode: 'status', status: 503 }, 503],
    ['an HTML 502 page', { mode: 'html' }, 502],
  ])('retries %s as other', async (_case, fault, httpStatus) => {
    await addFault({ ...fault, count: 1 });
    const result = await send([matchProfile('p1')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus,
    });
  });

  it('retries a reset connection as other', async () => {
    await addFault({ mode: 'reset', count: 1 });
    const result = await send([matchProfile('p1')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
    });
  });

  it('reports slow response as timeout', async () => {
    await addFault({ mode: 'delay', delayMs: 1_000, count: 1 });
    const result = await send([matchProfile('p1')], 'add', { timeoutMs: 200 });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'timeout',
      retryable: true,
    });
  });
});

describe('sendCm360Batch credentials', () => {
  it('refreshes the token once after a 401', async () => {
    await send([matchProfile('p1')]);
    await addFault({ mode: 'expired_token', count: 1 });
    const result = await send([matchProfile('p2')]);

    expect(result.outcomes).toEqual([{ key: 'p2', status: 'added' }]);
    expect(await readRequests('/cm360/token')).toHaveLength(2);
  });

  it('reports a second 401 as invalid credentials', async () => {
    await addFault({ mode: 'expired_token', count: 2 });
    const result = await send([matchProfile('p1')]);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'invalid_credentials',
      retryable: false,
      partnerCode: '401/UNAUTHENTICATED',
      httpStatus: 401,
    });
    expect(await readRequests(INSERT_PATH)).toHaveLength(2);
  });

  it('reports a revoked refresh token as invalid credentials', async () => {
    await postControl('/_control/tokens', { partner: 'cm360', token: 'revoked', state: 'expired' });
    const result = await send([matchProfile('p1')], 'add', { refreshToken: 'revoked' });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'invalid_credentials',
      retryable: false,
      partnerCode: 'invalid_grant',
      partnerMessage: 'Token has been expired or revoked.',
      httpStatus: 400,
    });
    expect(await readRequests(INSERT_PATH)).toEqual([]);
  });

  it('reports a token without the scope as invalid credentials', async () => {
    await postControl('/_control/tokens', {
      partner: 'cm360',
      token: 'reports-only',
      state: 'missing_permission',
    });
    const result = await send([matchProfile('p1')], 'add', { refreshToken: 'reports-only' });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'invalid_credentials',
      retryable: false,
      partnerCode: '403/PERMISSION_DENIED',
    });
  });

  it('fails when no client reaches the token URL', async () => {
    const result = await send([matchProfile('p1')], 'add', {
      settings: { tokenUrl: 'https://oauth2.googleapis.com/token' },
    });

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'other',
      retryable: false,
      partnerMessage: expect.stringContaining('https://oauth2.googleapis.com') as string,
    });
    expect(await readRequests(INSERT_PATH)).toEqual([]);
  });
});
