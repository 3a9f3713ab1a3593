import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../simulator-server.js';
import { startCm360TestSimulator } from './test-simulator.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startCm360TestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

const ACTIVITY_ID = '5550001';
const PROFILE_PATH = '/cm360/dfareporting/v5/userprofiles/4242';
const INSERT_PATH = `${PROFILE_PATH}/conversions/batchinsert`;

beforeEach(async () => {
  await control('POST', '/reset', {});
  await control('POST', '/audiences', { partner: 'cm360', id: ACTIVITY_ID, name: 'Purchase' });
});

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);

  return response.status === 204 ? undefined : response.json();
}

async function requestToken(form: Record<string, string>): Promise<Response> {
  return fetch(`${simulator.url}/cm360/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

const REFRESH_FORM = {
  grant_type: 'refresh_token',
  client_id: 'client-1',
  client_secret: 'secret-1',
  refresh_token: 'refresh-1',
};

async function accessToken(refreshToken = 'refresh-1'): Promise<string> {
  const response = await requestToken({ ...REFRESH_FORM, refresh_token: refreshToken });
  const body = (await response.json()) as { access_token: string };

  return body.access_token;
}

async function callApi(
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });

  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;

  return {
    status: response.status,
    body: isJson ? (JSON.parse(text) as Record<string, unknown>) : { text },
  };
}

function conversion(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    floodlightConfigurationId: '77',
    floodlightActivityId: ACTIVITY_ID,
    matchId: 'customer-1',
    ordinal: '1',
    timestampMicros: `${Date.now()}000`,
    quantity: '1',
    value: 0,
    ...fields,
  };
}

async function insert(conversions: unknown[], extra: Record<string, unknown> = {}) {
  const token = await accessToken();

  return callApi('POST', INSERT_PATH, { token, body: { conversions, ...extra } });
}

function errorCodesOf(body: Record<string, unknown>): (string | undefined)[] {
  const statuses = body.status as { errors?: { code: string }[] }[];

  return statuses.map((status) => status.errors?.[0]?.code);
}

async function members(): Promise<Record<string, string>[]> {
  const body = (await control('GET', `/audiences/${ACTIVITY_ID}`)) as {
    members: Record<string, string>[];
  };

  return body.members;
}

describe('cm360 simulator token endpoint', () => {
  it('exchanges a refresh token', async () => {
    const response = await requestToken(REFRESH_FORM);
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(body.access_token).toMatch(/^ya29\./);
    expect(body.expires_in).toBe(3599);
    expect(body.scope).toBe('https://www.googleapis.com/auth/ddmconversions');
    expect(body.token_type).toBe('Bearer');
  });

  it.each([
    [{ ...REFRESH_FORM, refresh_token: '' }, 'invalid_request'],
    [{ ...REFRESH_FORM, client_secret: '' }, 'invalid_request'],
    [{ ...REFRESH_FORM, grant_type: 'authorization_code' }, 'unsupported_grant_type'],
  ])('rejects form %o with %s', async (form, error) => {
    const response = await requestToken(form);
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(400);
    expect(body.error).toBe(error);
  });

  it('rejects a JSON body', async () => {
    const response = await fetch(`${simulator.url}/cm360/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(REFRESH_FORM),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, unknown>).error).toBe('invalid_request');
  });

  it('rejects a repeated parameter', async () => {
    const response = await fetch(`${simulator.url}/cm360/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(REFRESH_FORM).toString()}&refresh_token=again`,
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, unknown>).error).toBe('invalid_request');
  });

  it('answers revoked refresh token with invalid_grant', async () => {
    await control('POST', '/tokens', { partner: 'cm360', token: 'refresh-1', state: 'expired' });
    const response = await requestToken(REFRESH_FORM);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('logs token requests without secrets', async () => {
    await requestToken(REFRESH_FORM);
    const log = (await control('GET', '/requests')) as { items: Record<string, unknown>[] };
    const [entry] = log.items;

    expect(entry?.path).toBe('/cm360/token');
    expect(entry?.status).toBe(200);
    expect(entry?.body).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-1',
      client_secret: '***',
      refresh_token: '***',
    });
  });

  it('takes no faults', async () => {
    await control('POST', '/faults', { partner: 'cm360', mode: 'status', status: 503, count: 1 });
    const tokenResponse = await requestToken(REFRESH_FORM);
    const apiResponse = await callApi('GET', PROFILE_PATH, { token: await accessToken() });

    expect(tokenResponse.status).toBe(200);
    expect(apiResponse.status).toBe(503);
  });
});

describe('cm360 simulator user profile', () => {
  it('returns the profile for a valid token', async () => {
    const { status, body } = await callApi('GET', PROFILE_PATH, { token: await accessToken() });

    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'dfareporting#userProfile', profileId: '4242' });
  });

  it.each([
    ['no token', undefined, 401, 'UNAUTHENTICATED'],
    ['a forged token', 'ya29.sim.e30.forged', 401, 'UNAUTHENTICATED'],
    ['a foreign token', 'EAAB-not-google', 401, 'UNAUTHENTICATED'],
  ])('rejects %s', async (_case, token, httpStatus, status) => {
    const response = await callApi('GET', PROFILE_PATH, { token });
    const error = response.body.error as Record<string, unknown>;

    expect(response.status).toBe(httpStatus);
    expect(error.status).toBe(status);
    expect(error.code).toBe(httpStatus);
  });

  it('rejects token without ddmconversions scope', async () => {
    await control('POST', '/tokens', {
      partner: 'cm360',
      token: 'refresh-reports',
      state: 'missing_permission',
    });
    const response = await callApi('GET', PROFILE_PATH, {
      token: await accessToken('refresh-reports'),
    });

    expect(response.status).toBe(403);
    expect((response.body.error as Record<string, unknown>).status).toBe('PERMISSION_DENIED');
  });

  it('rejects an access token marked expired', async () => {
    const token = await accessToken();
    await control('POST', '/tokens', { partner: 'cm360', token, state: 'expired' });
    const response = await callApi('GET', PROFILE_PATH, { token });

    expect(response.status).toBe(401);
  });

  it('answers the sunset v4 with 404', async () => {
    const path = '/cm360/dfareporting/v4/userprofiles/4242';
    const response = await callApi('GET', path, { token: await accessToken() });

    expect(response.status).toBe(404);
    expect((response.body.error as Record<string, unknown>).status).toBe('NOT_FOUND');
  });

  it('rejects a profile id that is not an int64', async () => {
    const path = '/cm360/dfareporting/v5/userprofiles/abc';
    const response = await callApi('GET', path, { token: await accessToken() });

    expect(response.status).toBe(400);
    expect((response.body.error as Record<string, unknown>).status).toBe('INVALID_ARGUMENT');
  });

  it('answers unknown path with HTML 404', async () => {
    const response = await fetch(`${simulator.url}/cm360/dfareporting/v5/unknown`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('cm360 simulator batchinsert', () => {
  it('stores accepted conversions as members', async () => {
    const sent = conversion({ adUserDataConsent: 'GRANTED' });
    const { status, body } = await insert([sent]);

    expect(status).toBe(200);
    expect(body.hasFailures).toBe(false);
    expect(body.kind).toBe('dfareporting#conversionsBatchInsertResponse');
    expect(body.status).toEqual([{ kind: 'dfareporting#conversionStatus', conversion: sent }]);
    expect(await members()).toEqual([
      {
        matchId: 'customer-1',
        floodlightConfigurationId: '77',
        ordinal: '1',
        timestampMicros: sent.timestampMicros,
        quantity: '1',
        value: '0',
        adUserDataConsent: 'GRANTED',
      },
    ]);
  });

  it('stores a conversion once per user, ordinal and day', async () => {
    const now = Date.now();
    await insert([conversion({ timestampMicros: `${now}000` })]);
    await insert([conversion({ timestampMicros: `${now + 1}000` })]);
    await insert([conversion({ timestampMicros: `${now + 2}000`, ordinal: '2' })]);

    expect((await members()).map((member) => member.ordinal)).toEqual(['1', '2']);
  });

  it('reports unknown activity as NOT_FOUND for that conversion', async () => {
    const { status, body } = await insert([
      conversion(),
      conversion({ floodlightActivityId: '999', matchId: 'customer-2' }),
    ]);

    expect(status).toBe(200);
    expect(body.hasFailures).toBe(true);
    expect(errorCodesOf(body)).toEqual([undefined, 'NOT_FOUND']);
    expect(await members()).toHaveLength(1);
  });

  const twentyNineDaysAgo = `${Date.now() - 29 * 24 * 3600 * 1000}000`;

  it.each([
    ['no ordinal', conversion({ ordinal: undefined }), 'INVALID_ARGUMENT'],
    ['no value', conversion({ value: undefined }), 'INVALID_ARGUMENT'],
    ['no quantity', conversion({ quantity: undefined }), 'INVALID_ARGUMENT'],
    ['no identifier', conversion({ matchId: undefined }), 'INVALID_ARGUMENT'],
    ['two identifiers', conversion({ gclid: 'abc' }), 'INVALID_ARGUMENT'],
    ['an old timestamp', conversion({ timestampMicros: twentyNineDaysAgo }), 'INVALID_ARGUMENT'],
    ['a negative quantity', conversion({ quantity: '-1' }), 'INVALID_ARGUMENT'],
    [
      'an encrypted id without encryptionInfo',
      conversion({ matchId: undefined, encryptedUserId: 'AbC123' }),
      'INVALID_ARGUMENT',
    ],
    [
      'a device id that is no UUID',
      conversion({ matchId: undefined, mobileDeviceId: 'not-a-device' }),
      'NOT_FOUND',
    ],
  ])('rejects conversion with %s', async (_case, sent, code) => {
    const { status, body } = await insert([sent]);

    expect(status).toBe(200);
    expect(errorCodesOf(body)).toEqual([code]);
    expect(await members()).toEqual([]);
  });

  it('accepts encrypted id with encryptionInfo', async () => {
    const encryptionInfo = {
      encryptionEntityType: 'DCM_ADVERTISER',
      encryptionEntityId: '12',
      encryptionSource: 'AD_SERVING',
    };
    const sent = conversion({ matchId: undefined, encryptedUserIdCandidates: ['e1', 'e2'] });
    const { body } = await insert([sent], { encryptionInfo });

    expect(errorCodesOf(body)).toEqual([undefined]);
    expect((await members())[0]?.encryptedUserIdCandidates).toBe('e1,e2');
  });

  it.each([
    ['an unknown request field', [conversion()], { foo: 1 }],
    ['an unknown conversion field', [conversion({ colour: 'red' })], {}],
    ['a field the simulator does not model', [conversion({ customVariables: [] })], {}],
    ['a mistyped value', [conversion({ value: 'much' })], {}],
    ['a mistyped id', [conversion({ floodlightActivityId: 'abc' })], {}],
    ['an unknown consent value', [conversion({ adUserDataConsent: 'YES' })], {}],
    ['1,001 conversions', Array.from({ length: 1_001 }, () => conversion()), {}],
    ['a bad encryptionInfo', [conversion()], { encryptionInfo: { encryptionSource: 'X' } }],
  ])('rejects request with %s', async (_case, conversions, extra) => {
    const { status, body } = await insert(conversions, extra);

    expect(status).toBe(400);
    expect((body.error as Record<string, unknown>).status).toBe('INVALID_ARGUMENT');
  });
});

describe('cm360 simulator faults', () => {
  it('formats partner_error as Google error', async () => {
    await control('POST', '/faults', {
      partner: 'cm360',
      mode: 'partner_error',
      status: 429,
      code: 8,
      count: 1,
    });
    const { status, body } = await insert([conversion()]);

    expect(status).toBe(429);
    expect(body.error).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      errors: [{ domain: 'global', reason: 'rateLimitExceeded' }],
    });
  });

  it('selects quota reason by subcode', async () => {
    await control('POST', '/faults', {
      partner: 'cm360',
      mode: 'partner_error',
      status: 403,
      code: 7,
      subcode: 1,
      count: 1,
    });
    const { status, body } = await insert([conversion()]);

    expect(status).toBe(403);
    expect(body.error).toMatchObject({
      status: 'PERMISSION_DENIED',
      errors: [{ reason: 'userRateLimitExceeded' }],
    });
  });

  it('answers expired_token with 401', async () => {
    await control('POST', '/faults', { partner: 'cm360', mode: 'expired_token', count: 1 });
    const { status, body } = await insert([conversion()]);

    expect(status).toBe(401);
    expect((body.error as Record<string, unknown>).status).toBe('UNAUTHENTICATED');
  });

  it('marks conversions with invalid_marked', async () => {
    await control('POST', '/faults', {
      partner: 'cm360',
      mode: 'invalid_marked',
      value: 'customer-2',
      count: 1,
    });
    const { status, body } = await insert([conversion(), conversion({ matchId: 'customer-2' })]);

    expect(status).toBe(200);
    expect(errorCodesOf(body)).toEqual([undefined, 'INVALID_ARGUMENT']);
  });

  it('rejects whole request with reject_marked', async () => {
    await control('POST', '/faults', {
      partner: 'cm360',
      mode: 'reject_marked',
      value: 'customer-1',
      count: 1,
    });
    const { status } = await insert([conversion()]);

    expect(status).toBe(400);
    expect(await members()).toEqual([]);
  });
});
