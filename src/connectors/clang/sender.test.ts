import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerHttpClient } from '../../net/partner-http-client.js';
import { clangRoutes } from '../../simulator/clang/clang-routes.js';
import {
  startPartnerTestSimulator,
  type RunningPartnerSimulator,
} from '../../simulator/clang/partner-test-server.js';
import type { BatchProfile, BatchResult, ConnectorContext } from '../connector-type.js';
import { clang } from './definition.js';
import type { ClangCredentials, ClangSettings } from './schemas.js';
import { sendClangBatch } from './sender.js';

let simulator: RunningPartnerSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startPartnerTestSimulator(clangRoutes, '/clang');
  dispatcher = new Agent();
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

const GROUP_ID = '42';
const UUID = 'f2a4c1de-0000-4000-8000-000000000001';

beforeEach(async () => {
  await control('POST', '/reset', {});
  await control('POST', '/audiences', { partner: 'clang', id: GROUP_ID, name: 'Newsletter' });
});

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${simulator.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);

  return text === '' ? undefined : JSON.parse(text);
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  await control('POST', '/faults', { partner: 'clang', ...fault });
}

async function readMembers(groupId = GROUP_ID): Promise<Record<string, string>[]> {
  const body = await control('GET', `/audiences/${groupId}`);

  return body.members;
}

interface RecordedCall {
  path: string;
  status?: number;
  body: { operation: string; parameters: Record<string, any> };
}

async function readCalls(): Promise<RecordedCall[]> {
  const body = await control('GET', '/requests');

  return body.items;
}

function context(
  options: { timeoutMs?: number; uuid?: string; settings?: Partial<ClangSettings> } = {},
): ConnectorContext<ClangSettings, ClangCredentials> {
  const clientFor = (baseUrl: string) =>
    createPartnerHttpClient({
      baseUrl,
      timeoutMs: options.timeoutMs ?? 5_000,
      dispatcher,
      allowPrivateDestinations: true,
    });
  const built = {
    settings: { ...options.settings },
    credentials: { uuid: options.uuid ?? UUID },
    http: clientFor(`${simulator.url}/clang`),
    httpFor: clientFor,
  };

  return built;
}

function send(
  profiles: BatchProfile[],
  operation: 'add' | 'remove' = 'add',
  options: Parameters<typeof context>[0] & { groupId?: string } = {},
): Promise<BatchResult> {
  return sendClangBatch(context(options), {
    operation,
    destination: { groupId: options.groupId ?? GROUP_ID },
    profiles,
  });
}

function profile(key: string, identifiers: BatchProfile['identifiers'], attributes = {}) {
  return { key, identifiers, attributes, consents: { email: 'granted' as const } };
}

function sortByEmail(members: Record<string, string>[]): Record<string, string>[] {
  return [...members].sort((a, b) => (a.EMAIL ?? '').localeCompare(b.EMAIL ?? ''));
}

function statusesOf(result: BatchResult): Record<string, string> {
  return Object.fromEntries(result.outcomes.map((outcome) => [outcome.key, outcome.status]));
}

describe('sendClangBatch add', () => {
  it('inserts customers and adds them to the group', async () => {
    const result = await send([
      profile('p1', { externalId: ['c-1'], email: ['Jane@Example.com'] }, { firstName: 'Jane' }),
      profile('p2', { email: ['bob@example.com'], phone: ['+31612345678'] }),
    ]);

    expect(statusesOf(result)).toEqual({ p1: 'added', p2: 'added' });
    // Profiles run concurrently, so the customer ids depend on timing.
    expect(sortByEmail(await readMembers())).toEqual([
      { ID: expect.stringMatching(/^\d+$/), EMAIL: 'bob@example.com', PHONE: '+31612345678' },
      { ID: expect.stringMatching(/^\d+$/), EXTERN_ID: 'c-1', EMAIL: 'jane@example.com' },
    ]);
  });

  it('sends the customer fields in the SOAP body', async () => {
    await send([
      profile(
        'p1',
        { externalId: ['c-1'], email: ['jane@example.com'] },
        { firstName: 'Jane', lastName: 'Doe', gender: 'f', city: 'Utrecht', zip: '3511 AA' },
      ),
    ]);
    const insert = (await readCalls()).find((call) => call.body.operation === 'customer_insert');

    expect(insert?.path).toBe('/clang/app/api/soap/public/index.php');
    expect(insert?.body.parameters).toEqual({
      uuid: '***',
      customer: {
        lastname: 'Doe',
        firstname: 'Jane',
        gender: 'WOMAN',
        zipCode: '3511 AA',
        city: 'Utrecht',
        emailAddress: 'jane@example.com',
        externalId: 'c-1',
      },
    });
  });

  it('updates a customer Clang already has', async () => {
    await send([profile('p1', { externalId: ['c-1'], email: ['old@example.com'] })]);
    await control('DELETE', '/requests');

    const result = await send([profile('p1', { externalId: ['c-1'], email: ['new@example.com'] })]);
    const operations = (await readCalls()).map((call) => call.body.operation);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(operations).toEqual(['customer_getByExternalId', 'customer_update', 'group_addMember']);
    expect(await readMembers()).toEqual([
      { ID: '1001', EXTERN_ID: 'c-1', EMAIL: 'new@example.com' },
    ]);
  });

  it('counts already a member as added', async () => {
    await send([profile('p1', { email: ['a@example.com'] })]);
    const result = await send([profile('p1', { email: ['a@example.com'] })]);
    const faulted = (await readCalls()).filter((call) => call.status === 500);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(faulted.map((call) => call.body.operation)).toEqual(['group_addMember']);
  });

  it('inserts one customer for two profiles of one person', async () => {
    const result = await send([
      profile('p1', { email: ['same@example.com'] }),
      profile('p2', { email: ['SAME@example.com'] }),
    ]);
    const inserts = (await readCalls()).filter((call) => call.body.operation === 'customer_insert');

    expect(statusesOf(result)).toEqual({ p1: 'added', p2: 'added' });
    expect(inserts).toHaveLength(1);
  });

  it('skips profiles without lookup identifier', async () => {
    const result = await send([
      profile('p1', { phone: ['+31612345678'] }),
      profile('p2', {
        email: ['8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d'],
      }),
    ]);

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'skipped', reason: 'no_identifier' },
      { key: 'p2', status: 'skipped', reason: 'invalid_identifier' },
    ]);
    expect(await readCalls()).toEqual([]);
  });

  it('reports ambiguous email lookup as final error', async () => {
    await send([profile('a', { externalId: ['c-1'], email: ['twin@example.com'] })]);
    await send([profile('b', { externalId: ['c-2'], email: ['twin@example.com'] })]);

    const result = await send([profile('p1', { email: ['twin@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      key: 'p1',
      status: 'error',
      category: 'other',
      retryable: false,
    });
  });

  it('runs at most the configured profiles at once', async () => {
    const profiles = Array.from({ length: 12 }, (_, index) =>
      profile(`p${index}`, { email: [`user${index}@example.com`] }),
    );
    await addFault({ mode: 'delay', delayMs: 50, seconds: 5 });

    const started = performance.now();
    const result = await send(profiles, 'add', { settings: { maxConcurrentProfiles: 12 } });
    const elapsedMs = performance.now() - started;

    expect(result.outcomes.every((outcome) => outcome.status === 'added')).toBe(true);
    // 12 profiles of 3 calls at 50 ms each take about 1,800 ms one at a time.
    expect(elapsedMs).toBeLessThan(1_200);
  });
});

describe('sendClangBatch remove', () => {
  it('removes customers from the group', async () => {
    await send([
      profile('p1', { email: ['a@example.com'] }),
      profile('p2', { email: ['b@example.com'] }),
    ]);

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'remove');

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(await readMembers()).toEqual([
      { ID: expect.stringMatching(/^\d+$/), EMAIL: 'b@example.com' },
    ]);
  });

  it('reports unknown customer as removed', async () => {
    const result = await send([profile('p1', { externalId: ['nobody'] })], 'remove');
    const operations = (await readCalls()).map((call) => call.body.operation);

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'removed' }]);
    expect(operations).toEqual(['customer_getByExternalId']);
  });
});

describe('sendClangBatch errors', () => {
  it('fails only the profile whose call failed', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad@example.com' });

    const result = await send([
      profile('good', { email: ['good@example.com'] }),
      profile('bad', { email: ['bad@example.com'] }),
    ]);

    expect(result.outcomes.find((outcome) => outcome.key === 'good')).toEqual({
      key: 'good',
      status: 'added',
    });
    expect(result.outcomes.find((outcome) => outcome.key === 'bad')).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: '104',
      retryable: false,
      httpStatus: 500,
    });
  });

  it('reports rejected uuid as invalid credentials', async () => {
    await control('POST', '/tokens', { partner: 'clang', token: UUID, state: 'expired' });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'invalid_credentials',
      partnerCode: '101',
      retryable: false,
    });
  });

  it('retries HTTP 429 with Retry-After', async () => {
    await addFault({ mode: 'status', status: 429, retryAfterSeconds: 30, count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 429,
      retryAfterSeconds: 30,
    });
  });

  it('retries SOAP Server fault', async () => {
    await addFault({ mode: 'status', status: 503, count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
    });
  });

  it('reports slow response as timeout', async () => {
    await addFault({ mode: 'delay', delayMs: 1_000, count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      timeoutMs: 200,
    });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'timeout',
      retryable: true,
    });
  });

  it('reports unknown group with its fault code', async () => {
    const result = await send([profile('p1', { email: ['a@example.com'] })], 'add', {
      groupId: '999',
    });

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: '220',
      partnerMessage: 'Group not found',
      retryable: false,
    });
  });

  it('reports customer not found as 213', async () => {
    await addFault({ mode: 'partner_error', code: 213, message: 'Customer not found', count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'partner_error',
      partnerCode: '213',
      retryable: false,
    });
  });

  it('classifies HTML 502 page as other', async () => {
    await addFault({ mode: 'html', count: 1 });

    const result = await send([profile('p1', { email: ['a@example.com'] })]);

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      category: 'other',
      retryable: true,
      httpStatus: 502,
    });
  });
});

describe('clang credential check', () => {
  it('counts customers with a valid uuid', async () => {
    await send([profile('p1', { email: ['a@example.com'] })]);

    const result = await clang.checkCredentials(context());

    expect(result).toEqual({
      ok: true,
      message: 'Connected to Clang. The account has 1 customers.',
    });
  });

  it('reports a rejected uuid', async () => {
    await control('POST', '/tokens', { partner: 'clang', token: UUID, state: 'expired' });

    const result = await clang.checkCredentials(context());

    expect(result).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: '101',
    });
  });

  it('reports a timeout', async () => {
    await addFault({ mode: 'delay', delayMs: 1_000, count: 1 });

    const result = await clang.checkCredentials(context({ timeoutMs: 200 }));

    expect(result).toMatchObject({ ok: false, category: 'timeout' });
  });
});
