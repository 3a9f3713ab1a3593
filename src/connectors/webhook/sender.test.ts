import { createHmac } from 'node:crypto';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import type { RunningSimulator } from '../../simulator/simulator-server.js';
import { startSimulatorWithWebhook } from '../../simulator/webhook/start-simulator-with-webhook.js';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from '../../simulator/webhook/webhook-routes.js';
import type {
  BatchProfile,
  BatchResult,
  ConnectorContext,
  ProfileOutcome,
} from '../connector-type.js';
import type { WebhookCredentials, WebhookSettings } from './schemas.js';
import { sendWebhookBatch } from './sender.js';

let simulator: RunningSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startSimulatorWithWebhook();
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const AUDIENCE = 'vip-customers';

beforeEach(async () => {
  await postControl('/_control/reset', {});
  await postControl('/_control/audiences', { partner: 'webhook', id: AUDIENCE, name: 'VIP' });
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
  await postControl('/_control/faults', { partner: 'webhook', ...fault });
}

interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: { operation: string; destination: unknown; sentAt: string; profiles: { id: string }[] };
  status?: number;
}

async function readDeliveries(): Promise<RecordedRequest[]> {
  const response = await fetch(`${simulator.url}/_control/requests`);
  const body = (await response.json()) as { items: RecordedRequest[] };
  return body.items;
}

async function readMembers(): Promise<Record<string, string>[]> {
  const response = await fetch(`${simulator.url}/_control/audiences/${AUDIENCE}`);
  const body = (await response.json()) as { members: Record<string, string>[] };
  return body.members;
}

interface SendOptions {
  timeoutMs?: number;
  secret?: string;
  batchSize?: number;
  audience?: string;
  path?: string;
}

function context(options: SendOptions = {}): ConnectorContext<WebhookSettings, WebhookCredentials> {
  const baseUrl = `${simulator.url}${options.path ?? '/webhook/hooks/crm'}`;
  const http = createPartnerHttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    dispatcher,
    allowPrivateDestinations: true,
  });
  const settings: WebhookSettings = { baseUrl };
  if (options.batchSize !== undefined) settings.batchSize = options.batchSize;

  return {
    settings,
    credentials: { signingSecret: options.secret ?? WEBHOOK_SIMULATOR_SIGNING_SECRET },
    http,
  };
}

function emailProfile(key: string, email: string): BatchProfile {
  return { key, identifiers: { email: [email] } };
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: SendOptions = {},
): Promise<BatchResult> {
  return sendWebhookBatch(context(options), {
    operation,
    destination: { audience: options.audience ?? AUDIENCE },
    profiles,
  });
}

function outcomeOf(result: BatchResult, key: string): ProfileOutcome | undefined {
  return result.outcomes.find((outcome) => outcome.key === key);
}

describe('sendWebhookBatch add and remove', () => {
  it('adds profiles', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(await readMembers()).toEqual([{ EXTERN_ID: 'p1', email: 'a@example.com' }]);
  });

  it('removes profiles', async () => {
    await send([emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')]);
    const result = await send([emailProfile('p1', 'a@example.com')], 'remove');

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await readMembers()).toEqual([{ EXTERN_ID: 'p2', email: 'b@example.com' }]);
  });

  it('sends documented body', async () => {
    await send([
      {
        key: 'p1',
        identifiers: { email: ['a@example.com'], phone: ['+31612345678'] },
        attributes: { firstName: 'Jane' },
        consents: { email: 'granted' },
      },
    ]);
    const [request] = await readDeliveries();

    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/webhook/hooks/crm');
    expect(request?.body).toEqual({
      operation: 'add',
      destination: { audience: AUDIENCE },
      sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      profiles: [
        {
          id: 'p1',
          identifiers: { email: ['a@example.com'], phone: ['+31612345678'] },
          attributes: { firstName: 'Jane' },
          consents: { email: 'granted' },
        },
      ],
    });
  });

  it('signs the exact body that is sent', async () => {
    await send([emailProfile('p1', 'a@example.com')]);
    const [request] = await readDeliveries();
    const header = request?.headers['x-activator-signature'] ?? '';
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    const rawBody = JSON.stringify(request?.body);
    const expected = createHmac('sha256', WEBHOOK_SIMULATOR_SIGNING_SECRET)
      .update(`${match?.[1]}.${rawBody}`)
      .digest('hex');

    expect(match).not.toBeNull();
    expect(match?.[2]).toBe(expected);
    expect(Math.abs(Number(match?.[1]) - Date.now() / 1000)).toBeLessThan(10);
  });

  it('splits batch by batchSize', async () => {
    const profiles = Array.from({ length: 5 }, (_, index) =>
      emailProfile(`p${index}`, `user${index}@example.com`),
    );
    const result = await send(profiles, 'add', { batchSize: 2 });
    const requests = await readDeliveries();

    expect(requests.map((request) => request.body.profiles.length)).toEqual([2, 2, 1]);
    expect(result.outcomes.every((outcome) => outcome.status === 'added')).toBe(true);
    expect(await readMembers()).toHaveLength(5);
  });

  it('keeps trailing slash of endpoint', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', {
      path: '/webhook/hooks/crm/',
    });
    const [request] = await readDeliveries();

    expect(request?.path).toBe('/webhook/hooks/crm/');
    expect(result.outcomes[0]).toEqual({ key: 'p1', status: 'added' });
  });
});

describe('sendWebhookBatch partial failure', () => {
  it('fails only the profile the endpoint rejects', async () => {
    await addFault({ mode: 'invalid_marked', value: 'marked@example.com' });

    const result = await send([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'marked@example.com'),
    ]);

    expect(outcomeOf(result, 'p1')).toEqual({ key: 'p1', status: 'added' });
    expect(outcomeOf(result, 'p2')).toEqual({
      key: 'p2',
      status: 'error',
      category: 'partner_error',
      retryable: false,
      partnerCode: 'invalid_profile',
      partnerMessage: 'The receiver rejected this profile.',
      httpStatus: 200,
    });
  });

  it('marks 422 rejection bisectable', async () => {
    await addFault({ mode: 'reject_marked', value: 'p2', count: 1 });

    const result = await send([
      emailProfile('p1', 'a@example.com'),
      emailProfile('p2', 'b@example.com'),
    ]);

    expect(outcomeOf(result, 'p2')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'http_422',
      retryable: false,
      bisectable: true,
      httpStatus: 422,
    });
  });
});

describe('sendWebhookBatch errors', () => {
  it('reports wrong secret as invalid credentials', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', {
      secret: 'a-different-signing-secret',
    });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      partnerCode: 'http_401',
      retryable: false,
      httpStatus: 401,
      partnerMessage: 'invalid_signature: The signature does not match the body.',
    });
  });

  it('retries throttling with Retry-After', async () => {
    await addFault({ mode: 'status', status: 429, retryAfterSeconds: 20, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 429,
      retryAfterSeconds: 20,
    });
    expect(result.outcomes[0]).not.toHaveProperty('partnerCode');
  });

  it.each([
    [-30, 0],
    [999_999, 3_600],
  ])('clamps Retry-After %i to %i', async (header, expected) => {
    await addFault({ mode: 'status', status: 503, retryAfterSeconds: header, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({ retryable: true, retryAfterSeconds: expected });
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

  it('reports 409 as partner error http_409', async () => {
    await addFault({ mode: 'partner_error', code: 1, status: 409, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: 'http_409',
      retryable: false,
      httpStatus: 409,
    });
  });

  it('reports unknown audience label as http_404', async () => {
    const result = await send([emailProfile('p1', 'a@example.com')], 'add', {
      audience: 'nobody',
    });

    expect(result.outcomes[0]).toMatchObject({
      category: 'partner_error',
      partnerCode: 'http_404',
      partnerMessage: expect.stringContaining('unknown_audience'),
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

  it('fails only the request that failed', async () => {
    await addFault({ mode: 'status', status: 500, count: 1 });

    const result = await send(
      [emailProfile('p1', 'a@example.com'), emailProfile('p2', 'b@example.com')],
      'add',
      { batchSize: 1 },
    );

    expect(outcomeOf(result, 'p1')).toMatchObject({ status: 'error', category: 'other' });
    expect(outcomeOf(result, 'p2')).toEqual({ key: 'p2', status: 'added' });
  });

  it('accepts 2xx body that is not JSON', async () => {
    await addFault({ mode: 'status', status: 204, count: 1 });

    const result = await send([emailProfile('p1', 'a@example.com')]);

    expect(result.outcomes[0]).toEqual({ key: 'p1', status: 'added' });
  });
});
