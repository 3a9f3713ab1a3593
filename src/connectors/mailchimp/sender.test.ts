import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import type { RunningSimulator } from '../../simulator/simulator-server.js';
import { startSimulatorWithMailchimp } from '../../simulator/mailchimp/start-simulator-with-mailchimp.js';
import type {
  BatchProfile,
  BatchResult,
  ConnectorContext,
  ProfileOutcome,
} from '../connector-type.js';
import type { MailchimpCredentials, MailchimpSettings } from './schemas.js';
import { sendMailchimpBatch } from './sender.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startSimulatorWithMailchimp();
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const API_KEY = '0123456789abcdef0123456789abcdef-us6';
const LIST_ID = 'a1b2c3d4e5';

beforeEach(async () => {
  await postControl('/_control/reset', {});
  await postControl('/_control/audiences', { partner: 'mailchimp', id: LIST_ID, name: 'News' });
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
  await postControl('/_control/faults', { partner: 'mailchimp', ...fault });
}

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: { members: { email_address: string; status: string }[]; update_existing: boolean };
  status?: number;
}

async function readBatchRequests(): Promise<RecordedRequest[]> {
  const response = await fetch(`${simulator.url}/_control/requests`);
  const body = (await response.json()) as { items: RecordedRequest[] };
  return body.items.filter((item) => item.method === 'POST');
}

async function readMembers(): Promise<Record<string, string>[]> {
  const response = await fetch(`${simulator.url}/_control/audiences/${LIST_ID}`);
  const body = (await response.json()) as { members: Record<string, string>[] };
  return body.members;
}

function context(
  options: { timeoutMs?: number; apiKey?: string } = {},
): ConnectorContext<MailchimpSettings, MailchimpCredentials> {
  const baseUrl = `${simulator.url}/mailchimp`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    dispatcher,
    allowPrivateDestinations: true,
  });
  return { settings: { baseUrl }, credentials: { apiKey: options.apiKey ?? API_KEY }, http };
}

function emailProfile(key: string, ...emails: string[]): BatchProfile {
  return { key, identifiers: { email: emails } };
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: { timeoutMs?: number; apiKey?: string; listId?: string } = {},
): Promise<BatchResult> {
  return sendMailchimpBatch(context(options), {
    operation,
    destination: { listId: options.listId ?? LIST_ID },
    profiles,
  });
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

describe('sendMailchimpBatch add and remove', () => {
  it('subscribes profiles', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(await readMembers()).toEqual([{ EMAIL: 'a@example.com', STATUS: 'subscribed' }]);
  });

  it('unsubscribes profiles', async () => {
    await send([emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')]);
    const result = await send([emailProfile('p1', 'a@example.com')], 'remove');

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await readMembers()).toEqual([{ EMAIL: 'b@example.com', STATUS: 'subscribed' }]);
  });

  it('sends batch request in Mailchimp format', async () => {
    await send([emailProfile('p1', ' Jane@Example.com ')]);
    const [request] = await readBatchRequests();

    expect(request?.path).toBe(`/mailchimp/3.0/lists/${LIST_ID}`);
    expect(request?.query).toEqual({ skip_merge_validation: 'true' });
    expect(request?.body).toEqual({
      members: [{ email_address: 'jane@example.com', status: 'subscribed' }],
      update_existing: true,
    });
    expect(request?.headers.authorization).toBe('***');
  });

  it('sends unsubscribed status on remove', async () => {
    await send([emailProfile('p1', 'a@example.com')], 'remove');
    const [request] = await readBatchRequests();

    expect(request?.body.members).toEqual([
      { email_address: 'a@example.com', status: 'unsubscribed' },
    ]);
  });

  it('reports skipped profiles next to sent ones', async () => {
    const result = await send([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2'),
      emailProfile('p3', 'not-an-address'),
    ]);

    expect(result.outcomes).toEqual([
      { key: 'p2', status: 'skipped', reason: 'no_identifier' },
      { key: 'p3', status: 'skipped', reason: 'invalid_identifier' },
      { key: 'p1', status: 'added' },
    ]);
  });

  it('sends nothing when every profile is skipped', async () => {
    const result = await send([emailProfile('p1', '  ')]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'skipped', reason: 'no_identifier' }]);
    expect(await readBatchRequests()).toEqual([]);
  });

  it('gives shared address outcome to both profiles', async () => {
    const result = await send([
      emailProfile('p1', 'Jane@Example.com'),
      emailProfile('p2', 'jane@example.com'),
    ]);
    const [request] = await readBatchRequests();

    expect(request?.body.members).toHaveLength(1);
    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'added' },
      { key: 'p2', status: 'added' },
    ]);
  });

  it('splits more than 500 members into requests', async () => {
    const profiles = Array.from({ length: 501 }, (_, index) =>
      emailProfile(`p${index}`, `user${index}@example.com`),
    );
    const result = await send(profiles);
    const requests = await readBatchRequests();

    expect(requests.map((request) => request.body.members.length)).toEqual([500, 1]);
    expect(result.outcomes.every((outcome) => outcome.status === 'added')).toBe(true);
    expect(await readMembers()).toHaveLength(501);
  });
});

describe('sendMailchimpBatch partial failure', () => {
  it('fails only the member Mailchimp rejects', async () => {
    await addFault({ mode: 'invalid_marked', value: 'marked@example.com' });

    const result = await send([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'marked@example.com'),
    ]);

    expect(outcomeOf(result, 'p1')).toEqual({ key: 'p1', status: 'added' });
    expect(outcomeOf(result, 'p2')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'ERROR_GENERIC',
      retryable: false,
      httpStatus: 200,
    });
    expect(outcomeOf(result, 'p2')).not.toHaveProperty('bisectable');
  });

  it('redacts address in member error message', async () => {
    await addFault({ mode: 'invalid_marked', value: 'marked@example.com' });

    const result = await send([emailProfile('p1', 'marked@example.com')]);
    const outcome = result.outcomes[0] as Extract<ProfileOutcome, { status: 'error' }>;

    expect(outcome.partnerMessage).toContain('[redacted]');
    expect(outcome.partnerMessage).not.toContain('marked@example.com');
  });

  it('fails only the request with the bad member', async () => {
    const profiles = Array.from({ length: 500 }, (_, index) =>
      emailProfile(`p${index}`, `user${index}@example.com`),
    );
    profiles.push(emailProfile('last', 'last@example.com'));
    await addFault({ mode: 'reject_marked', value: 'last@example.com', count: 1 });

    const result = await send(profiles);

    expect(outcomeOf(result, 'p0')).toEqual({ key: 'p0', status: 'added' });
    expect(outcomeOf(result, 'last')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'InvalidResource',
      retryable: false,
      httpStatus: 400,
      bisectable: true,
    });
  });
});

describe('sendMailchimpBatch errors', () => {
  it('reports disabled key as invalid credentials', async () => {
    await postControl('/_control/tokens', {
      partner: 'mailchimp',
      token: API_KEY,
      state: 'expired',
    });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      partnerCode: 'APIKeyInvalid',
      retryable: false,
      httpStatus: 401,
    });
  });

  it('reports malformed key as invalid credentials', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', {
      apiKey: 'short-us6',
    });

    expect(result.outcomes[0]).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'APIKeyInvalid',
    });
  });

  it('retries throttling with Retry-After', async () => {
    await addFault({
      mode: 'partner_error',
      code: 429,
      status: 429,
      retryAfterSeconds: 45,
      count: 1,
    });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'TooManyRequests',
      retryable: true,
      httpStatus: 429,
      retryAfterSeconds: 45,
    });
  });

  it('retries plain 429 as other', async () => {
    await addFault({ mode: 'status', status: 429, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 429,
    });
    expect(result.outcomes[0]).not.toHaveProperty('partnerCode');
  });

  it('retries HTML 502 page as other', async () => {
    await addFault({ mode: 'html', count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 502,
    });
  });

  it('retries internal server error', async () => {
    await addFault({ mode: 'partner_error', code: 500, status: 500, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      category: 'partner_error',
      partnerCode: 'InternalServerError',
      retryable: true,
    });
  });

  it('waits an hour after compliance hold', async () => {
    await addFault({ mode: 'partner_error', code: 503, status: 503, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      partnerCode: 'ComplianceRelated',
      retryable: true,
      retryAfterSeconds: 3600,
    });
  });

  it('reports unknown list as ResourceNotFound', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', { listId: 'zzz999' });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'ResourceNotFound',
      retryable: false,
      httpStatus: 404,
    });
  });

  it('reports wrong data center as invalid credentials', async () => {
    await addFault({ mode: 'partner_error', code: 403, subcode: 2, status: 403, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      category: 'invalid_credentials',
      partnerCode: 'WrongDatacenter',
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
});
