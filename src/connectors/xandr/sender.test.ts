import { gunzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPartnerHttpClient,
  type PartnerHttpClient,
  type PartnerRequest,
} from '../../net/partner-http-client.js';
import {
  startXandrTestSimulator,
  type XandrTestSimulator,
} from '../../simulator/xandr/xandr-test-simulator.js';
import type {
  Batch,
  BatchProfile,
  BatchResult,
  ConfirmationStatus,
  ConnectorContext,
  ProfileOutcome,
} from '../connector-type.js';
import { xandrSegments } from './definition.js';
import type { XandrAudienceSettings, XandrCredentials, XandrSettings } from './schemas.js';
import { checkXandrConfirmation, sendXandrBatch } from './sender.js';

const SEGMENT_ID = 5848;
const MEMBER_ID = 958;
const PASSWORD = 'Secret-password-1';

let simulator: XandrTestSimulator;
let dispatcher: Agent;
/** Simulator clock in ms. Tests move it forward to let tokens and jobs expire. */
let clock = Date.now();
/** Each test logs in as its own user, so that no session token carries over between tests. */
let username = 'user-0';
let userCount = 0;

beforeAll(async () => {
  simulator = await startXandrTestSimulator({ tokenIdleSeconds: 7_200, now: () => clock });
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

beforeEach(async () => {
  userCount += 1;
  username = `user-${userCount}`;
  await control(simulator, 'POST', '/reset', {});
  await control(simulator, 'POST', '/audiences', {
    partner: 'xandr',
    id: String(SEGMENT_ID),
    name: 'Test segment',
  });
});

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status?: number;
}

async function control(
  target: XandrTestSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${target.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);

  return text === '' ? undefined : JSON.parse(text);
}

async function addFault(fault: Record<string, unknown>, target = simulator): Promise<void> {
  await control(target, 'POST', '/faults', { partner: 'xandr', ...fault });
}

/** Lets the next `count` requests through unchanged, so that a later fault hits a later step. */
async function passRequests(count: number, target = simulator): Promise<void> {
  await addFault({ mode: 'delay', delayMs: 0, count }, target);
}

async function readRequests(target = simulator): Promise<RecordedRequest[]> {
  const body = (await control(target, 'GET', '/requests')) as { items: RecordedRequest[] };

  return body.items;
}

async function readMembers(segmentId = SEGMENT_ID): Promise<Record<string, string>[]> {
  const body = (await control(simulator, 'GET', `/audiences/${segmentId}`)) as {
    members: Record<string, string>[];
  };

  return body.members;
}

function context(
  options: {
    target?: XandrTestSimulator;
    timeoutMs?: number;
    password?: string;
    memberId?: number;
    httpFor?: (baseUrl: string) => PartnerHttpClient;
  } = {},
): ConnectorContext<XandrSettings, XandrCredentials> {
  const baseUrl = `${(options.target ?? simulator).url}/xandr`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    dispatcher,
    allowPrivateDestinations: true,
  });
  // Tests never reach a host other than the simulator, so another origin is a test failure.
  const refuseOtherOrigins = (origin: string): PartnerHttpClient => {
    throw new Error(`The test did not expect a client for ${origin}.`);
  };

  return {
    settings: { memberId: options.memberId ?? MEMBER_ID, baseUrl, statusPollSeconds: 5 },
    credentials: { username, password: options.password ?? PASSWORD },
    http,
    httpFor: options.httpFor ?? refuseOtherOrigins,
  };
}

function batchOf(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  segmentId = SEGMENT_ID,
): Batch<XandrAudienceSettings> {
  return { operation, destination: { segmentId }, profiles };
}

function uidProfile(key: string, ...uids: string[]): BatchProfile {
  return { key, identifiers: { xandrUid: uids } };
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

function confirmationOf(result: BatchResult): string {
  const pending = result.outcomes.find((outcome) => outcome.status === 'pending');
  if (pending?.status !== 'pending') throw new Error('The batch has no pending outcome.');

  return pending.confirmation;
}

/** Returns the first outcome of a finished confirmation, and fails the test otherwise. */
function firstDoneOutcome(status: ConfirmationStatus): ProfileOutcome | undefined {
  if (!status.done) throw new Error(`expected a finished job, got ${JSON.stringify(status)}`);

  return status.result.outcomes[0];
}

/** Checks the confirmation until the job is done, at most `maxPolls` times. */
async function confirm(
  sent: BatchResult,
  batch: Batch<XandrAudienceSettings>,
  options: { target?: XandrTestSimulator; maxPolls?: number } = {},
): Promise<{ polls: ConfirmationStatus[]; result: BatchResult }> {
  const polls: ConfirmationStatus[] = [];
  const pendingKeys = new Set(
    sent.outcomes.filter((outcome) => outcome.status === 'pending').map((outcome) => outcome.key),
  );
  const heldBatch = {
    ...batch,
    profiles: batch.profiles.filter((profile) => pendingKeys.has(profile.key)),
  };
  for (let poll = 0; poll < (options.maxPolls ?? 10); poll += 1) {
    const status = await checkXandrConfirmation(
      context({ target: options.target }),
      confirmationOf(sent),
      heldBatch,
    );
    polls.push(status);
    if (status.done) return { polls, result: status.result };
  }
  throw new Error(`The job did not complete within ${polls.length} polls.`);
}

/** Sends a batch and checks its confirmation until the job completed. */
async function sendAndConfirm(batch: Batch<XandrAudienceSettings>): Promise<BatchResult> {
  const sent = await sendXandrBatch(context(), batch);
  const { result } = await confirm(sent, batch);

  return result;
}

describe('sendXandrBatch add and remove', () => {
  it('reports pending, then added after the job phases', async () => {
    const batch = batchOf([uidProfile('p1', '7652266028043224430'), uidProfile('p2', '12345')]);
    const sent = await sendXandrBatch(context(), batch);

    expect(sent.outcomes.map((outcome) => outcome.status)).toEqual(['pending', 'pending']);
    expect(await readMembers()).toEqual([]);

    const { polls, result } = await confirm(sent, batch);

    expect(polls.map((poll) => poll.done)).toEqual([false, false, true]);
    expect(polls[0]).toEqual({ done: false, retryAfterSeconds: 5 });
    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
    ]);
    expect(result.invalidEntries).toBe(0);
    expect(await readMembers()).toEqual([{ UID: '7652266028043224430' }, { UID: '12345' }]);
  });

  it('sends the three BSS steps', async () => {
    await sendXandrBatch(context(), batchOf([uidProfile('p1', '12345')]));
    const requests = await readRequests();

    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /xandr/auth',
      'POST /xandr/batch-segment',
      expect.stringMatching(/^POST \/xandr\/segment-upload\/[A-Za-z0-9]{30}\d+$/),
    ]);
    const [login, job, upload] = requests;
    expect(login?.body).toEqual({ auth: { username, password: '***' } });
    expect(job?.query).toEqual({ member_id: String(MEMBER_ID) });
    expect(job?.headers.authorization).toBe('***');
    expect(upload?.headers['content-type']).toBe('application/octet-stream');
    expect(upload?.body).toBe(`12345;${SEGMENT_ID}:0\n`);
  });

  it('removes profiles with expiration -1', async () => {
    await sendAndConfirm(batchOf([uidProfile('p1', '111'), uidProfile('p2', '222')]));
    await control(simulator, 'DELETE', '/requests');
    const result = await sendAndConfirm(batchOf([uidProfile('p1', '111')], 'remove'));
    const upload = (await readRequests()).find((request) => request.path.includes('upload'));

    expect(upload?.body).toBe(`111;${SEGMENT_ID}:-1\n`);
    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await readMembers()).toEqual([{ UID: '222' }]);
  });

  it('writes each user id once', async () => {
    const batch = batchOf([uidProfile('p1', '111', '222'), uidProfile('p2', '0222')]);
    await sendXandrBatch(context(), batch);
    const upload = (await readRequests()).find((request) => request.path.includes('upload'));

    expect(upload?.body).toBe(`111;${SEGMENT_ID}:0\n222;${SEGMENT_ID}:0\n`);
  });

  it('skips profiles without a usable user id', async () => {
    const result = await sendXandrBatch(
      context(),
      batchOf([
        { key: 'none', identifiers: { email: ['a@example.com'] } },
        uidProfile('bad', 'not-a-number'),
      ]),
    );

    expect(result.outcomes).toEqual([
      { key: 'none', status: 'skipped', reason: 'no_identifier' },
      { key: 'bad', status: 'skipped', reason: 'invalid_identifier' },
    ]);
    expect(await readRequests()).toEqual([]);
  });
});

describe('sendXandrBatch partial failure', () => {
  it('fails only the line Xandr logged', async () => {
    await addFault({ mode: 'invalid_marked', value: '222', count: 1 });
    const result = await sendAndConfirm(
      batchOf([uidProfile('p1', '111'), uidProfile('p2', '222')]),
    );

    expect(outcomeOf(result, 'p1')).toEqual({ key: 'p1', status: 'added' });
    expect(outcomeOf(result, 'p2')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'num_invalid_user',
      retryable: false,
    });
    expect(await readMembers()).toEqual([{ UID: '111' }]);
  });

  it('counts unlogged failed lines as invalid entries', async () => {
    const quiet = await startXandrTestSimulator({ numErrorLogLines: 0 });
    try {
      await control(quiet, 'POST', '/audiences', { partner: 'xandr', id: '5848', name: 'S' });
      await addFault({ mode: 'invalid_marked', value: '222', count: 1 }, quiet);
      const batch = batchOf([uidProfile('p1', '111'), uidProfile('p2', '222')]);
      const sent = await sendXandrBatch(context({ target: quiet }), batch);
      const { result } = await confirm(sent, batch, { target: quiet });

      expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['added', 'added']);
      expect(result.invalidEntries).toBe(1);
    } finally {
      await quiet.close();
    }
  });

  it('fails every profile for an unknown segment', async () => {
    const result = await sendAndConfirm(batchOf([uidProfile('p1', '111')], 'add', 999));

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      partnerCode: 'num_invalid_segment',
      retryable: false,
    });
  });
});

describe('sendXandrBatch sessions', () => {
  it('logs in again after an idle token', async () => {
    await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));
    clock += 7_201_000;
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p2', '222')]));
    const requests = await readRequests();

    expect(result.outcomes[0]?.status).toBe('pending');
    expect(requests.filter((request) => request.path === '/xandr/auth')).toHaveLength(2);
    expect(requests.map((request) => request.status)).toContain(401);
  });

  it('logs in again after NOAUTH', async () => {
    await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));
    await addFault({ mode: 'expired_token', count: 1 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p2', '222')]));

    expect(result.outcomes[0]?.status).toBe('pending');
  });

  it('stops after one new login', async () => {
    await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));
    await addFault({ mode: 'expired_token', count: 5 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p2', '222')]));
    const requests = await readRequests();

    expect(outcomeOf(result, 'p2')).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      partnerCode: 'NOAUTH',
      retryable: false,
    });
    expect(requests.filter((request) => request.path === '/xandr/auth')).toHaveLength(2);
  });

  it('reuses the token of an earlier batch', async () => {
    await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));
    await sendXandrBatch(context(), batchOf([uidProfile('p2', '222')]));
    const logins = (await readRequests()).filter((request) => request.path === '/xandr/auth');

    expect(logins).toHaveLength(1);
  });
});

describe('sendXandrBatch errors', () => {
  it('retries a throttled job request', async () => {
    await passRequests(1);
    await addFault({ mode: 'status', status: 429, retryAfterSeconds: 7, count: 1 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 429,
      retryAfterSeconds: 7,
    });
  });

  it('retries RATE_LIMIT_EXCEEDED on the upload', async () => {
    await passRequests(2);
    await addFault({ mode: 'partner_error', code: 9, status: 429, count: 1 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));
    const upload = (await readRequests()).at(-1);

    expect(upload?.path).toMatch(/^\/xandr\/segment-upload\//);
    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'RATE_LIMIT_EXCEEDED',
      retryable: true,
      retryAfterSeconds: 1_800,
    });
  });

  it('retries a 503 with x-ratelimit-code', async () => {
    await passRequests(1);
    await addFault({ mode: 'status', status: 503, retryAfterSeconds: 3, count: 1 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'other',
      retryable: true,
      httpStatus: 503,
      retryAfterSeconds: 3,
    });
  });

  it('reports a timeout of the upload', async () => {
    await passRequests(2);
    await addFault({ mode: 'delay', delayMs: 2_000, count: 1 });
    const result = await sendXandrBatch(
      context({ timeoutMs: 300 }),
      batchOf([uidProfile('p1', '111')]),
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'timeout',
      retryable: true,
    });
  });

  it('fails for good on SYNTAX', async () => {
    await passRequests(1);
    await addFault({ mode: 'partner_error', code: 5, message: 'member_id is invalid', count: 1 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));

    expect(outcomeOf(result, 'p1')).toEqual({
      key: 'p1',
      status: 'error',
      category: 'partner_error',
      retryable: false,
      partnerCode: 'SYNTAX',
      partnerMessage: 'member_id is invalid',
      httpStatus: 400,
    });
  });

  it('retries a proxy error page', async () => {
    await passRequests(1);
    await addFault({ mode: 'html', count: 1 });
    const result = await sendXandrBatch(context(), batchOf([uidProfile('p1', '111')]));

    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'other',
      retryable: true,
      httpStatus: 502,
    });
  });
});

describe('sendXandrBatch invalid credentials', () => {
  let guarded: XandrTestSimulator;

  beforeAll(async () => {
    guarded = await startXandrTestSimulator({
      accounts: [{ username: 'api-user', password: PASSWORD }],
      memberIds: [MEMBER_ID],
    });
  });

  afterAll(async () => {
    await guarded.close();
  });

  it('fails every profile on a wrong password', async () => {
    const result = await sendXandrBatch(
      context({ target: guarded, password: 'wrong' }),
      batchOf([uidProfile('p1', '111'), uidProfile('p2', '222')]),
    );
    const requests = await readRequests(guarded);

    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['error', 'error']);
    expect(outcomeOf(result, 'p1')).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'NOAUTH',
      retryable: false,
    });
    expect(requests.map((request) => request.path)).toEqual(['/xandr/auth']);
  });

  it('checks credentials against the member', async () => {
    username = 'api-user';
    const check = await xandrSegments.checkCredentials(context({ target: guarded }));

    expect(check).toEqual({
      ok: true,
      message: `Logged in as api-user; member Simulated member ${MEMBER_ID} (${MEMBER_ID}).`,
    });
  });

  it('rejects a wrong password in the check', async () => {
    const check = await xandrSegments.checkCredentials(
      context({ target: guarded, password: 'wrong' }),
    );

    expect(check).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: 'NOAUTH',
    });
    expect(check.message).toContain('No match found for user/pass');
  });

  it('rejects a member the user cannot access', async () => {
    username = 'api-user';
    const check = await xandrSegments.checkCredentials(context({ target: guarded, memberId: 1 }));

    expect(check).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: 'UNAUTH',
    });
  });

  it('reports a timeout in the check', async () => {
    await addFault({ mode: 'delay', delayMs: 2_000, count: 1 }, guarded);
    const check = await xandrSegments.checkCredentials(
      context({ target: guarded, timeoutMs: 300 }),
    );

    expect(check).toMatchObject({ ok: false, category: 'timeout' });
  });
});

describe('sendXandrBatch upload URL', () => {
  let xandrHost: XandrTestSimulator;
  let otherHost: XandrTestSimulator;

  beforeAll(async () => {
    xandrHost = await startXandrTestSimulator({ uploadOrigin: 'https://data-api-gslb.adnxs.net' });
    otherHost = await startXandrTestSimulator({ uploadOrigin: 'https://uploads.example.com' });
  });

  afterAll(async () => {
    await xandrHost.close();
    await otherHost.close();
  });

  it('uploads to a Xandr host through httpFor', async () => {
    const origins: string[] = [];
    const uploads: PartnerRequest[] = [];
    const uploadHost: PartnerHttpClient = {
      send: async (request) => {
        uploads.push(request);
        const text = JSON.stringify({
          response: { segment_upload: { job_id: 'J' }, status: 'OK' },
        });

        return { status: 200, headers: {}, text, durationMs: 1 };
      },
    };
    const httpFor = (origin: string) => {
      origins.push(origin);

      return uploadHost;
    };
    const result = await sendXandrBatch(
      context({ target: xandrHost, httpFor }),
      batchOf([uidProfile('p1', '111')]),
    );
    const [upload] = uploads;

    expect(outcomeOf(result, 'p1')?.status).toBe('pending');
    expect(origins).toEqual(['https://data-api-gslb.adnxs.net']);
    expect(upload?.method).toBe('POST');
    expect(upload?.path).toMatch(/^\/xandr\/segment-upload\/[A-Za-z0-9]+$/);
    expect(upload?.headers?.['content-type']).toBe('application/octet-stream');
    expect(upload?.headers?.authorization).toMatch(/^[0-9a-f]{26}$/);
    expect(gunzipSync(upload?.body as Buffer).toString('latin1')).toBe(`111;${SEGMENT_ID}:0\n`);
  });

  it('fails without a client for other origins', async () => {
    const { settings, credentials, http } = context({ target: xandrHost });
    const result = await sendXandrBatch(
      { settings, credentials, http },
      batchOf([uidProfile('p1', '111')]),
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: false,
    });
  });

  it('rejects an upload URL on another domain', async () => {
    const origins: string[] = [];
    const httpFor = (origin: string): PartnerHttpClient => {
      origins.push(origin);
      throw new Error('httpFor must not be called');
    };
    const result = await sendXandrBatch(
      context({ target: otherHost, httpFor }),
      batchOf([uidProfile('p1', '111')]),
    );
    const paths = (await readRequests(otherHost)).map((request) => request.path);

    expect(outcomeOf(result, 'p1')).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: false,
    });
    expect(origins).toEqual([]);
    expect(paths).toEqual(['/xandr/auth', '/xandr/batch-segment']);
  });
});

describe('checkXandrConfirmation', () => {
  it('keeps a throttled status request pending', async () => {
    const batch = batchOf([uidProfile('p1', '111')]);
    const sent = await sendXandrBatch(context(), batch);
    await addFault({ mode: 'status', status: 429, retryAfterSeconds: 90, count: 1 });
    const status = await checkXandrConfirmation(context(), confirmationOf(sent), batch);

    expect(status).toEqual({ done: false, retryAfterSeconds: 90 });
  });

  it('keeps a timed-out status request pending', async () => {
    const batch = batchOf([uidProfile('p1', '111')]);
    const sent = await sendXandrBatch(context(), batch);
    await addFault({ mode: 'delay', delayMs: 2_000, count: 1 });
    const status = await checkXandrConfirmation(
      context({ timeoutMs: 300 }),
      confirmationOf(sent),
      batch,
    );

    expect(status).toEqual({ done: false, retryAfterSeconds: 5 });
  });

  it('fails profiles when the credentials stop working', async () => {
    const batch = batchOf([uidProfile('p1', '111')]);
    const sent = await sendXandrBatch(context(), batch);
    await addFault({ mode: 'expired_token', count: 2 });
    const status = await checkXandrConfirmation(context(), confirmationOf(sent), batch);

    expect(status.done).toBe(true);
    expect(firstDoneOutcome(status)).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'NOAUTH',
    });
  });

  it('resends the profiles of an unknown job', async () => {
    const batch = batchOf([uidProfile('p1', '111')]);
    const confirmation = JSON.stringify({ memberId: MEMBER_ID, jobId: 'missing', lineCount: 1 });
    const status = await checkXandrConfirmation(context(), confirmation, batch);

    expect(firstDoneOutcome(status)).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
    });
  });

  it('retries a job that ended in phase error', async () => {
    const batch = batchOf([uidProfile('p1', '111')]);
    const created = await createJobDirectly();
    clock += 6 * 60_000;
    const confirmation = JSON.stringify({ memberId: MEMBER_ID, jobId: created, lineCount: 1 });
    const status = await checkXandrConfirmation(context(), confirmation, batch);

    expect(firstDoneOutcome(status)).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'uploading-error',
      retryable: true,
    });
  });

  it('fails an unreadable confirmation', async () => {
    const status = await checkXandrConfirmation(
      context(),
      'not json',
      batchOf([uidProfile('p1', '1')]),
    );

    expect(firstDoneOutcome(status)).toMatchObject({
      status: 'error',
      retryable: true,
    });
  });

  it('counts a removal of an unknown user as removed', async () => {
    await addFault({ mode: 'invalid_marked', value: '111', count: 1 });
    const result = await sendAndConfirm(batchOf([uidProfile('p1', '111')], 'remove'));

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
  });
});

/** Logs in and creates a job without uploading to it. Returns the job id. */
async function createJobDirectly(): Promise<string> {
  const base = `${simulator.url}/xandr`;
  const login = await fetch(`${base}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { username, password: PASSWORD } }),
  });
  const { response: auth } = (await login.json()) as { response: { token: string } };
  const created = await fetch(`${base}/batch-segment?member_id=${MEMBER_ID}`, {
    method: 'POST',
    headers: { authorization: auth.token },
  });
  const { response } = (await created.json()) as {
    response: { batch_segment_upload_job: { job_id: string } };
  };

  return response.batch_segment_upload_job.job_id;
}
