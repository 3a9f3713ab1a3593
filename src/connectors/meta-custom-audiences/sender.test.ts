import { createHash } from 'node:crypto';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import { startSimulator, type RunningSimulator } from '../../simulator/simulator-server.js';
import type {
  Batch,
  BatchProfile,
  BatchResult,
  ConnectorContext,
  ProfileOutcome,
} from '../connector-type.js';
import type { MetaAudienceSettings, MetaCredentials, MetaSettings } from './schemas.js';
import { sendMetaBatch } from './sender.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const AUDIENCE_ID = '111';

beforeEach(async () => {
  await postControl('/_control/reset', {});
  await postControl('/_control/audiences', { partner: 'meta', id: AUDIENCE_ID, name: 'Test' });
});

/** Reference digest, computed here without the code under test. */
function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

async function postControl(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  await postControl('/_control/faults', { partner: 'meta', ...fault });
}

interface RecordedUpload {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: { payload: { schema: string[]; data: string[][] } };
  status?: number;
}

/** Returns the `users` requests the simulator received, oldest first. */
async function readUploads(): Promise<RecordedUpload[]> {
  const response = await fetch(`${simulator.url}/_control/requests`);
  const body = (await response.json()) as { items: RecordedUpload[] };
  return body.items.filter((item) => item.path.endsWith('/users'));
}

async function readMembers(): Promise<Record<string, string>[]> {
  const response = await fetch(`${simulator.url}/_control/audiences/${AUDIENCE_ID}`);
  const body = (await response.json()) as { members: Record<string, string>[] };
  return body.members;
}

function context(timeoutMs = 5_000): ConnectorContext<MetaSettings, MetaCredentials> {
  const http = createPartnerHttpClient({
    baseUrl: simulator.url,
    timeoutMs,
    dispatcher,
    allowPrivateDestinations: true,
  });
  return { settings: { adAccountId: '123' }, credentials: { accessToken: 'token-ok' }, http };
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: { timeoutMs?: number; audienceId?: string } = {},
): Promise<BatchResult> {
  const batch: Batch<MetaAudienceSettings> = {
    operation,
    destination: { customAudienceId: options.audienceId ?? AUDIENCE_ID },
    profiles,
  };
  return sendMetaBatch(context(options.timeoutMs), batch);
}

function emailProfile(key: string, ...emails: string[]): BatchProfile {
  return { key, identifiers: { email: emails } };
}

/** Profiles `p0` to `p{count - 1}`, each with one email `user{i}@example.com`. */
function emailProfiles(count: number): BatchProfile[] {
  return Array.from({ length: count }, (_, index) =>
    emailProfile(`p${index}`, `user${index}@example.com`),
  );
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

function statusesOf(result: BatchResult): Record<string, string> {
  return Object.fromEntries(result.outcomes.map((outcome) => [outcome.key, outcome.status]));
}

describe('sendMetaBatch add and remove', () => {
  it('adds profiles to the audience', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(result.invalidEntries).toBe(0);
    expect(await readMembers()).toEqual([{ EMAIL: sha256('a@example.com') }]);
  });

  it('removes profiles from the audience', async () => {
    await send([emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')]);
    const result = await send([emailProfile('p1', 'a@example.com')], 'remove');

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await readMembers()).toEqual([{ EMAIL: sha256('b@example.com') }]);
  });

  it('sends DELETE payload in the body', async () => {
    await send([emailProfile('p1', 'a@example.com')], 'remove');
    const [upload] = await readUploads();

    expect(upload?.method).toBe('DELETE');
    expect(upload?.path).toBe(`/v25.0/${AUDIENCE_ID}/users`);
    expect(upload?.query).toEqual({});
    expect(upload?.body.payload).toEqual({
      schema: ['EMAIL'],
      data: [[sha256('a@example.com')]],
    });
  });

  it('reports skipped profiles next to sent ones', async () => {
    const result = await send([emailProfile('p1', 'a@example.com'), emailProfile('p2', ' ')]);

    expect(result.outcomes).toEqual([
      { key: 'p2', status: 'skipped', reason: 'no_identifier' },
      { key: 'p1', status: 'added' },
    ]);
  });

  it('sends nothing when every profile is skipped', async () => {
    const result = await send([emailProfile('p1', '')]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'skipped', reason: 'no_identifier' }]);
    expect(await readUploads()).toEqual([]);
  });
});

describe('sendMetaBatch identifier traps', () => {
  it('never hashes or sends blank values', async () => {
    await send([{ key: 'p1', identifiers: { email: ['', '   '], phone: ['+31612345678'] } }]);
    const [upload] = await readUploads();
    const cells = upload?.body.payload.data.flat() ?? [];

    expect(upload?.body.payload.schema).toEqual(['PHONE']);
    expect(cells).toEqual([sha256('31612345678')]);
    expect(cells).not.toContain(sha256(''));
    expect(cells).not.toContain(sha256('   '));
  });

  it.each([
    ['lowercase', sha256('jane@example.com')],
    ['uppercase', sha256('jane@example.com').toUpperCase()],
  ])('keeps %s SHA-256 email unhashed', async (_case, value) => {
    await send([emailProfile('p1', value)]);

    expect(await readMembers()).toEqual([{ EMAIL: sha256('jane@example.com') }]);
  });

  it('sends same person once per request', async () => {
    const result = await send([
      emailProfile('p1', 'Jane@Example.com'),
      emailProfile('p2', '  jane@example.com '),
    ]);
    const [upload] = await readUploads();

    expect(upload?.body.payload.data).toEqual([[sha256('jane@example.com')]]);
    expect(statusesOf(result)).toEqual({ p1: 'added', p2: 'added' });
  });

  it.each([
    ['E.164 phone', '+31612345678', '31612345678'],
    ['phone with trunk zero', '+44 (0)20 7946 0958', '442079460958'],
  ])('sends %s as digits with country code', async (_case, phone, digits) => {
    await send([{ key: 'p1', identifiers: { phone: [phone] } }]);

    expect(await readMembers()).toEqual([{ PHONE: sha256(digits) }]);
  });

  it('hashes composed and decomposed names alike', async () => {
    const composed = 'Ren\u00e9e';
    const decomposed = 'Rene\u0301e';
    await send([
      { key: 'p1', identifiers: { externalId: ['c-1'] }, attributes: { firstName: composed } },
      { key: 'p2', identifiers: { externalId: ['c-2'] }, attributes: { firstName: decomposed } },
    ]);
    const members = await readMembers();

    expect(members.map((member) => member.FN)).toEqual([
      sha256('ren\u00e9e'),
      sha256('ren\u00e9e'),
    ]);
  });
});

describe('sendMetaBatch request split', () => {
  it('splits rows into requests of 10,000', async () => {
    // 9,999 rows, then a profile with 3 emails that does not fit into the first request.
    const profiles = [
      ...emailProfiles(9_999),
      emailProfile('multi', 'm1@example.com', 'm2@example.com', 'm3@example.com'),
    ];
    const result = await send(profiles);
    const uploads = await readUploads();

    expect(uploads.map((upload) => upload.body.payload.data.length)).toEqual([9_999, 3]);
    expect(result.outcomes).toHaveLength(10_000);
    expect(result.outcomes.every((outcome) => outcome.status === 'added')).toBe(true);
    expect((await readMembers()).length).toBe(10_002);
  });

  it('reports request error only for its profiles', async () => {
    const profiles = [...emailProfiles(10_000), emailProfile('last', 'last@example.com')];
    await addFault({ mode: 'reject_marked', value: sha256('last@example.com'), count: 1 });

    const result = await send(profiles);

    expect(outcomeOf(result, 'p0')).toEqual({ key: 'p0', status: 'added' });
    expect(outcomeOf(result, 'p9999')).toEqual({ key: 'p9999', status: 'added' });
    expect(outcomeOf(result, 'last')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: '100',
      retryable: false,
      httpStatus: 400,
      bisectable: true,
    });
  });

  it('fails profile when one of its requests fails', async () => {
    const emails = Array.from({ length: 10_001 }, (_, index) => `big${index}@example.com`);
    await addFault({ mode: 'reject_marked', value: sha256('big10000@example.com'), count: 1 });

    const result = await send([
      emailProfile('big', ...emails),
      emailProfile('p1', 'a@example.com'),
    ]);
    const uploads = await readUploads();

    expect(uploads.map((upload) => upload.status)).toEqual([200, 400]);
    expect(outcomeOf(result, 'big')).toMatchObject({ status: 'error', partnerCode: '100' });
    expect(outcomeOf(result, 'p1')).toMatchObject({ status: 'error', partnerCode: '100' });
  });

  it('sums invalid entries over requests', async () => {
    const profiles = [...emailProfiles(10_000), emailProfile('last', 'last@example.com')];
    await addFault({ mode: 'invalid_marked', value: sha256('user5@example.com') });
    await addFault({ mode: 'invalid_marked', value: sha256('last@example.com') });

    const result = await send(profiles);

    expect(result.invalidEntries).toBe(2);
    expect(outcomeOf(result, 'last')).toEqual({ key: 'last', status: 'added' });
  });
});

describe('sendMetaBatch responses', () => {
  it('reports invalid entries of a 200 response', async () => {
    // One request takes one fault, so both invalid rows carry the same marked EXTERN_ID.
    await addFault({ mode: 'invalid_marked', value: 'marked' });

    const result = await send([
      { key: 'p1', identifiers: { externalId: ['c-1'], email: ['a@example.com'] } },
      { key: 'p2', identifiers: { externalId: ['marked'], email: ['b@example.com'] } },
      { key: 'p3', identifiers: { externalId: ['marked'], email: ['c@example.com'] } },
    ]);
    const [upload] = await readUploads();

    expect(upload?.status).toBe(200);
    expect(result.invalidEntries).toBe(2);
    expect(statusesOf(result)).toEqual({ p1: 'added', p2: 'added', p3: 'added' });
  });

  it('treats Graph error in a 200 response as error', async () => {
    await addFault({ mode: 'partner_error', code: 613, status: 200, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: '613',
      retryable: true,
      httpStatus: 200,
    });
  });

  it('retries 200 response with unreadable body', async () => {
    await addFault({ mode: 'status', status: 200, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 200,
    });
  });

  it('classifies HTML 502 page as other', async () => {
    await addFault({ mode: 'html', count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 502,
    });
    expect(result.outcomes[0]).not.toHaveProperty('partnerCode');
  });

  it.each([
    [120, 120],
    [-30, 0],
    [999_999, 3_600],
  ])('reads Retry-After %i as %i seconds', async (header, expected) => {
    await addFault({ mode: 'partner_error', code: 613, retryAfterSeconds: header, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({ status: 'error', retryAfterSeconds: expected });
  });

  it.each([
    // code, subcode, bisectable
    [100, undefined, true],
    [2650, undefined, true],
    [100, 33, undefined],
    [100, 1713230, undefined],
    [613, undefined, undefined],
  ])('marks code %i subcode %s bisectable %s', async (code, subcode, bisectable) => {
    await addFault({ mode: 'partner_error', code, subcode, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);
    const outcome = result.outcomes[0] as Extract<ProfileOutcome, { status: 'error' }>;

    expect(outcome.status).toBe('error');
    expect(outcome.bisectable).toBe(bisectable);
  });

  it('reports unknown audience as 100/33', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', { audienceId: '999' });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: '100/33',
      retryable: false,
      httpStatus: 400,
    });
    expect(result.outcomes[0]).not.toHaveProperty('bisectable');
  });

  it('reports expired token as invalid credentials', async () => {
    await addFault({ mode: 'expired_token', count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      partnerCode: '190/463',
      retryable: false,
    });
  });

  it('reports slow response as timeout', async () => {
    await addFault({ mode: 'delay', delayMs: 1_000, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')], 'add', { timeoutMs: 200 });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'timeout',
      retryable: true,
    });
  });

  it('reports connection reset as other', async () => {
    await addFault({ mode: 'reset', count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
    });
  });
});
