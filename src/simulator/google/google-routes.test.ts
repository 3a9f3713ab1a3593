import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleTestSimulator, type RunningGoogleSimulator } from './google-test-server.js';

let simulator: RunningGoogleSimulator;

beforeAll(async () => {
  simulator = await startGoogleTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

const USER_LIST_ID = '4455';
const CLIENT_ID = 'client-1.apps.googleusercontent.com';

beforeEach(async () => {
  await control('POST', '/reset');
  await control('POST', '/audiences', { partner: 'google', id: USER_LIST_ID, name: 'Buyers' });
});

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);

  return response.status === 204 ? undefined : response.json();
}

interface JsonResponse {
  status: number;
  body: any;
}

async function requestToken(fields: Record<string, string>): Promise<JsonResponse> {
  const response = await fetch(`${simulator.url}/google/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  return { status: response.status, body: await response.json() };
}

async function accessToken(refreshToken = 'refresh-1'): Promise<string> {
  const { body } = await requestToken({
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    client_secret: 'secret-1',
    refresh_token: refreshToken,
  });

  return body.access_token as string;
}

async function callApi(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token?: string,
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${simulator.url}/google${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  return { status: response.status, body: await response.json() };
}

function destination(overrides: Record<string, unknown> = {}) {
  return {
    operatingAccount: { accountType: 'DISPLAY_VIDEO_ADVERTISER', accountId: '123' },
    productDestinationId: USER_LIST_ID,
    ...overrides,
  };
}

function emailMember(email: string, extra: Record<string, unknown> = {}) {
  return { userData: { userIdentifiers: [{ emailAddress: sha256(email) }] }, ...extra };
}

function ingestBody(members: unknown[], overrides: Record<string, unknown> = {}) {
  return {
    destinations: [destination()],
    audienceMembers: members,
    encoding: 'HEX',
    termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' },
    ...overrides,
  };
}

async function ingest(members: unknown[], overrides: Record<string, unknown> = {}) {
  return callApi(
    'POST',
    '/v1/audienceMembers:ingest',
    ingestBody(members, overrides),
    await accessToken(),
  );
}

async function retrieve(requestId: string): Promise<JsonResponse> {
  return callApi(
    'GET',
    `/v1/requestStatus:retrieve?requestId=${requestId}`,
    undefined,
    await accessToken(),
  );
}

async function members(): Promise<Record<string, string>[]> {
  const body = await control('GET', `/audiences/${USER_LIST_ID}`);

  return body.members as Record<string, string>[];
}

function reasonOf(body: any): string | undefined {
  const info = body.error?.details?.find((detail: any) => detail['@type'].endsWith('ErrorInfo'));

  return info?.reason;
}

function violationsOf(body: any): { field: string; reason?: string }[] {
  const badRequest = body.error?.details?.find((detail: any) =>
    detail['@type'].endsWith('BadRequest'),
  );

  return badRequest?.fieldViolations ?? [];
}

describe('google token endpoint', () => {
  it('exchanges refresh token for access token', async () => {
    const { status, body } = await requestToken({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: 'secret-1',
      refresh_token: 'refresh-1',
    });

    expect(status).toBe(200);
    expect(body.access_token).toMatch(/^ya29\./);
    expect(body.expires_in).toBe(3599);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('https://www.googleapis.com/auth/datamanager');
  });

  it.each([
    [{ grant_type: 'password' }, 400, 'unsupported_grant_type'],
    [
      { grant_type: 'refresh_token', client_id: 'unknown', client_secret: 's', refresh_token: 'r' },
      401,
      'invalid_client',
    ],
    [
      { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: 's' },
      400,
      'invalid_request',
    ],
  ])('rejects %j', async (fields, status, error) => {
    const response = await requestToken(fields);

    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
  });

  it('rejects expired refresh token as invalid_grant', async () => {
    await control('POST', '/tokens', { partner: 'google', token: 'refresh-old', state: 'expired' });
    const response = await requestToken({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: 'secret-1',
      refresh_token: 'refresh-old',
    });

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('logs token requests with secrets masked', async () => {
    await accessToken('refresh-secret-value');
    const { items } = await control('GET', '/requests');
    const tokenRequest = items.find((item: any) => item.path === '/google/token');

    expect(tokenRequest.partner).toBe('google');
    expect(tokenRequest.body.client_secret).toBe('***');
    expect(tokenRequest.body.refresh_token).toBe('***');
    expect(tokenRequest.body.client_id).toBe(CLIENT_ID);
    expect(JSON.stringify(items)).not.toContain('refresh-secret-value');
  });
});

describe('google data manager authorization', () => {
  it('rejects request without token', async () => {
    const response = await callApi(
      'POST',
      '/v1/audienceMembers:ingest',
      ingestBody([emailMember('a@example.com')]),
    );

    expect(response.status).toBe(401);
    expect(response.body.error.status).toBe('UNAUTHENTICATED');
    expect(reasonOf(response.body)).toBe('ACCESS_TOKEN_EXPIRED');
  });

  it('rejects token marked expired', async () => {
    const token = await accessToken();
    await control('POST', '/tokens', { partner: 'google', token, state: 'expired' });
    const response = await callApi(
      'POST',
      '/v1/audienceMembers:ingest',
      ingestBody([emailMember('a@example.com')]),
      token,
    );

    expect(response.status).toBe(401);
  });

  it('rejects token without data manager scope', async () => {
    await control('POST', '/tokens', {
      partner: 'google',
      token: 'refresh-adwords',
      state: 'missing_permission',
    });
    const token = await accessToken('refresh-adwords');
    const response = await callApi(
      'POST',
      '/v1/audienceMembers:ingest',
      ingestBody([emailMember('a@example.com')]),
      token,
    );

    expect(response.status).toBe(403);
    expect(response.body.error.status).toBe('PERMISSION_DENIED');
    expect(reasonOf(response.body)).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  });

  it('lists user lists of an account', async () => {
    const response = await callApi(
      'GET',
      '/v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists?pageSize=1',
      undefined,
      await accessToken(),
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
  });
});

describe('google ingest validation', () => {
  it('accepts a valid ingest with a request id', async () => {
    const response = await ingest([emailMember('a@example.com')]);

    expect(response.status).toBe(200);
    expect(response.body.requestId).toEqual(expect.any(String));
  });

  it('rejects consent spelled GRANTED', async () => {
    const response = await ingest([
      emailMember('a@example.com', {
        consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' },
      }),
    ]);

    expect(response.status).toBe(400);
    expect(response.body.error.status).toBe('INVALID_ARGUMENT');
    expect(response.body.error.message).toContain('GRANTED');
    expect(violationsOf(response.body)[0]?.field).toBe('audience_members[0].consent.ad_user_data');
  });

  it('accepts consent spelled CONSENT_GRANTED', async () => {
    const response = await ingest([
      emailMember('a@example.com', {
        consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
      }),
    ]);

    expect(response.status).toBe(200);
  });

  it.each([
    ['missing terms of service', { termsOfService: undefined }, 'TERMS_AND_CONDITIONS_NOT_SIGNED'],
    [
      'rejected terms of service',
      { termsOfService: { customerMatchTermsOfServiceStatus: 'REJECTED' } },
      'TERMS_AND_CONDITIONS_NOT_SIGNED',
    ],
    ['missing encoding', { encoding: undefined }, 'REQUIRED_FIELD_MISSING'],
    ['unknown field', { colour: 'blue' }, 'INVALID_ARGUMENT'],
    ['no destinations', { destinations: [] }, 'REQUIRED_FIELD_MISSING'],
    [
      'unknown user list',
      { destinations: [destination({ productDestinationId: '999' })] },
      'INVALID_USER_LIST_ID',
    ],
    [
      'account id with dashes',
      {
        destinations: [
          destination({
            operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '123-456-7890' },
          }),
        ],
      },
      'INVALID_ARGUMENT',
    ],
  ])('rejects %s', async (_case, overrides, reason) => {
    const response = await ingest([emailMember('a@example.com')], overrides);

    expect(response.status).toBe(400);
    expect(reasonOf(response.body)).toBe(reason);
  });

  it('rejects more than 10,000 members', async () => {
    const many = Array.from({ length: 10_001 }, () => emailMember('a@example.com'));
    const response = await ingest(many);

    expect(response.status).toBe(400);
    expect(reasonOf(response.body)).toBe('TOO_MANY_AUDIENCE_MEMBERS');
  });

  it('rejects more than 10 identifiers per member', async () => {
    const identifiers = Array.from({ length: 11 }, (_, index) => ({
      emailAddress: sha256(`${index}@example.com`),
    }));
    const response = await ingest([{ userData: { userIdentifiers: identifiers } }]);

    expect(response.status).toBe(400);
    expect(reasonOf(response.body)).toBe('TOO_MANY_USER_IDENTIFIERS');
  });

  it.each([
    ['plain email', 'a@example.com', 'INVALID_HEX_ENCODING'],
    ['short hex', 'abcd', 'INVALID_SHA256_FORMAT'],
  ])('names the member with a %s', async (_case, value, reason) => {
    const response = await ingest([
      emailMember('a@example.com'),
      { userData: { userIdentifiers: [{ emailAddress: value }] } },
    ]);

    expect(response.status).toBe(400);
    expect(reasonOf(response.body)).toBe(reason);
    expect(violationsOf(response.body)).toEqual([
      {
        field: 'audience_members[1].user_data.user_identifiers[0].email_address',
        description: expect.any(String),
        reason,
      },
    ]);
  });

  it('rejects consent in a remove request', async () => {
    const body = {
      ...ingestBody([emailMember('a@example.com')]),
      termsOfService: undefined,
      consent: {},
    };
    const response = await callApi('POST', '/v1/audienceMembers:remove', body, await accessToken());

    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('Unknown field "consent"');
  });

  it('validates only when validateOnly is set', async () => {
    const response = await ingest([emailMember('a@example.com')], { validateOnly: true });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
  });
});

describe('google request status', () => {
  it('reports processing then success and applies members', async () => {
    const { body } = await ingest([emailMember('a@example.com'), emailMember('b@example.com')]);

    const first = await retrieve(body.requestId);
    expect(first.body.requestStatusPerDestination[0].requestStatus).toBe('PROCESSING');
    expect(await members()).toEqual([]);

    const second = await retrieve(body.requestId);
    const status = second.body.requestStatusPerDestination[0];
    expect(status.requestStatus).toBe('SUCCESS');
    expect(status.audienceMembersIngestionStatus.userDataIngestionStatus).toEqual({
      recordCount: '2',
      userIdentifierCount: '2',
    });
    expect(status.destination.productDestinationId).toBe(USER_LIST_ID);
    expect(await members()).toEqual([
      { EMAIL: sha256('a@example.com') },
      { EMAIL: sha256('b@example.com') },
    ]);
  });

  it('reports partial success for marked members', async () => {
    await control('POST', '/faults', {
      partner: 'google',
      mode: 'invalid_marked',
      value: sha256('bad@example.com'),
    });
    const { body } = await ingest([emailMember('a@example.com'), emailMember('bad@example.com')]);
    await retrieve(body.requestId);
    const { body: statusBody } = await retrieve(body.requestId);
    const status = statusBody.requestStatusPerDestination[0];

    expect(status.requestStatus).toBe('PARTIAL_SUCCESS');
    expect(status.errorInfo.errorCounts).toEqual([
      { recordCount: '1', reason: 'PROCESSING_ERROR_REASON_INVALID_FORMAT' },
    ]);
    expect(await members()).toEqual([{ EMAIL: sha256('a@example.com') }]);
  });

  it('fails members with denied consent at processing', async () => {
    const denied = {
      consent: { adUserData: 'CONSENT_DENIED', adPersonalization: 'CONSENT_DENIED' },
    };
    const { body } = await ingest([emailMember('a@example.com', denied)]);
    await retrieve(body.requestId);
    const { body: statusBody } = await retrieve(body.requestId);
    const status = statusBody.requestStatusPerDestination[0];

    expect(status.requestStatus).toBe('FAILED');
    expect(status.errorInfo.errorCounts[0].reason).toBe('PROCESSING_ERROR_REASON_DENIED_CONSENT');
  });

  it('applies removals after processing', async () => {
    const added = await ingest([emailMember('a@example.com'), emailMember('b@example.com')]);
    await retrieve(added.body.requestId);
    await retrieve(added.body.requestId);

    const body = {
      destinations: [destination()],
      audienceMembers: [emailMember('a@example.com')],
      encoding: 'HEX',
    };
    const removed = await callApi('POST', '/v1/audienceMembers:remove', body, await accessToken());
    await retrieve(removed.body.requestId);
    const { body: statusBody } = await retrieve(removed.body.requestId);

    expect(statusBody.requestStatusPerDestination[0].requestStatus).toBe('SUCCESS');
    expect(statusBody.requestStatusPerDestination[0].audienceMembersRemovalStatus).toBeDefined();
    expect(await members()).toEqual([{ EMAIL: sha256('b@example.com') }]);
  });

  it('rejects unknown request id', async () => {
    const response = await retrieve('no-such-request');

    expect(response.status).toBe(400);
    expect(reasonOf(response.body)).toBe('INVALID_REQUEST_ID');
  });
});

describe('google faults', () => {
  it('sends partner error code as ErrorReason', async () => {
    const token = await accessToken();
    await control('POST', '/faults', {
      partner: 'google',
      mode: 'partner_error',
      code: 3,
      status: 429,
      count: 1,
    });
    const response = await callApi(
      'POST',
      '/v1/audienceMembers:ingest',
      ingestBody([emailMember('a@example.com')]),
      token,
    );

    expect(response.status).toBe(429);
    expect(response.body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(reasonOf(response.body)).toBe('RESOURCE_EXHAUSTED');
  });

  it('rejects marked member with a field violation', async () => {
    await control('POST', '/faults', {
      partner: 'google',
      mode: 'reject_marked',
      value: sha256('bad@example.com'),
    });
    const response = await ingest([emailMember('a@example.com'), emailMember('bad@example.com')]);

    expect(response.status).toBe(400);
    expect(violationsOf(response.body)).toEqual([
      {
        field: 'audience_members[1].user_data.user_identifiers',
        description: expect.any(String),
        reason: 'INVALID_SHA256_FORMAT',
      },
    ]);
  });
});

describe('google unknown paths', () => {
  it('returns Google 404 for unknown path', async () => {
    const response = await callApi('GET', '/v1/unknownThings', undefined, await accessToken());

    expect(response.status).toBe(404);
    expect(response.body.error.status).toBe('NOT_FOUND');
  });
});
