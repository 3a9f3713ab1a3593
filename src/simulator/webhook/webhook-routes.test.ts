import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../simulator-server.js';
import { startSimulatorWithWebhook } from './start-simulator-with-webhook.js';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from './webhook-routes.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulatorWithWebhook();
});

afterAll(async () => {
  await simulator.close();
});

const AUDIENCE = 'vip-customers';
const HOOK_PATH = '/webhook/hooks/crm';

beforeEach(async () => {
  await control('POST', '/_control/reset');
  const created = await control('POST', '/_control/audiences', {
    partner: 'webhook',
    id: AUDIENCE,
    name: 'VIP customers',
  });
  expect(created.status).toBe(201);
});

interface CallResult {
  status: number;
  // Test responses are checked field by field, so an untyped body keeps the checks short.
  body: any;
}

async function control(method: string, path: string, body?: unknown): Promise<CallResult> {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();

  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Reference signature, computed here without the code under test. */
function sign(rawBody: string, timestamp: number, secret = WEBHOOK_SIMULATOR_SIGNING_SECRET) {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

async function post(
  body: unknown,
  options: { signature?: string | null; path?: string; timestamp?: number; secret?: string } = {},
): Promise<CallResult> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature =
    options.signature === undefined
      ? sign(rawBody, options.timestamp ?? nowSeconds(), options.secret)
      : options.signature;
  if (signature !== null) headers['x-activator-signature'] = signature;

  const response = await fetch(`${simulator.url}${options.path ?? HOOK_PATH}`, {
    method: 'POST',
    headers,
    body: rawBody,
  });
  const text = await response.text();

  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

function delivery(operation: string, profiles: unknown[], audience = AUDIENCE) {
  return { operation, destination: { audience }, sentAt: new Date().toISOString(), profiles };
}

function profile(id: string, email?: string) {
  return { id, identifiers: email === undefined ? {} : { email: [email] }, attributes: {} };
}

async function members(): Promise<Record<string, string>[]> {
  return (await control('GET', `/_control/audiences/${AUDIENCE}`)).body.members;
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const result = await control('POST', '/_control/faults', { partner: 'webhook', ...fault });
  expect(result.status).toBe(201);
}

describe('webhook receiver signature', () => {
  it('accepts signed request', async () => {
    const result = await post(delivery('add', [profile('p1', 'a@example.com')]));

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ received: 1, rejected: [] });
  });

  it('rejects missing signature', async () => {
    const result = await post(delivery('add', []), { signature: null });

    expect(result.status).toBe(401);
    expect(result.body.code).toBe('missing_signature');
  });

  it('rejects signature with wrong secret', async () => {
    const result = await post(delivery('add', []), { secret: 'another-secret-of-length' });

    expect(result.status).toBe(401);
    expect(result.body.code).toBe('invalid_signature');
  });

  it('rejects signature of another body', async () => {
    const signature = sign('{"other":true}', nowSeconds());
    const result = await post(delivery('add', []), { signature });

    expect(result.status).toBe(401);
    expect(result.body.code).toBe('invalid_signature');
  });

  it.each([['v1=abc'], ['t=123'], ['t=abc,v1=00'], ['garbage']])(
    'rejects malformed header %j',
    async (signature) => {
      const result = await post(delivery('add', []), { signature });

      expect(result.status).toBe(401);
      expect(result.body.code).toBe('invalid_signature');
    },
  );

  it('rejects timestamp older than five minutes', async () => {
    const result = await post(delivery('add', []), { timestamp: nowSeconds() - 301 });

    expect(result.status).toBe(401);
    expect(result.body.code).toBe('timestamp_out_of_range');
  });

  it('accepts timestamp four minutes old', async () => {
    const result = await post(delivery('add', []), { timestamp: nowSeconds() - 240 });

    expect(result.status).toBe(200);
  });

  it('accepts any of several v1 values', async () => {
    const body = JSON.stringify(delivery('add', []));
    const timestamp = nowSeconds();
    const good = sign(body, timestamp).split(',')[1];
    const signature = `t=${timestamp},v1=${'0'.repeat(64)},${good}`;

    expect((await post(body, { signature })).status).toBe(200);
  });

  it('rejects revoked secret', async () => {
    await control('POST', '/_control/tokens', {
      partner: 'webhook',
      token: WEBHOOK_SIMULATOR_SIGNING_SECRET,
      state: 'expired',
    });
    const result = await post(delivery('add', []));

    expect(result.status).toBe(401);
    expect(result.body.code).toBe('secret_revoked');
  });
});

describe('webhook receiver deliveries', () => {
  it('stores added members', async () => {
    await post(delivery('add', [profile('p1', 'a@example.com'), profile('p2')]));

    expect(await members()).toEqual([
      { EXTERN_ID: 'p1', email: 'a@example.com' },
      { EXTERN_ID: 'p2' },
    ]);
  });

  it('replaces member with same id', async () => {
    await post(delivery('add', [profile('p1', 'a@example.com')]));
    await post(delivery('add', [profile('p1', 'b@example.com')]));

    expect(await members()).toEqual([{ EXTERN_ID: 'p1', email: 'b@example.com' }]);
  });

  it('removes members by id', async () => {
    await post(delivery('add', [profile('p1', 'a@example.com'), profile('p2')]));
    const result = await post(delivery('remove', [profile('p1')]));

    expect(result.status).toBe(200);
    expect(await members()).toEqual([{ EXTERN_ID: 'p2' }]);
  });

  it('accepts test request without change', async () => {
    const body = { operation: 'test', sentAt: new Date().toISOString(), profiles: [] };
    const result = await post(body);

    expect(result.status).toBe(200);
    expect(await members()).toEqual([]);
  });

  it('answers unknown audience with 404', async () => {
    const result = await post(delivery('add', [profile('p1')], 'nobody'));

    expect(result.status).toBe(404);
    expect(result.body.code).toBe('unknown_audience');
  });

  it('rejects marked profile and keeps the rest', async () => {
    await addFault({ mode: 'invalid_marked', value: 'marked@example.com' });
    const result = await post(
      delivery('add', [profile('p1', 'marked@example.com'), profile('p2', 'b@example.com')]),
    );

    expect(result.status).toBe(200);
    expect(result.body.rejected).toEqual([
      { id: 'p1', code: 'invalid_profile', message: 'The receiver rejected this profile.' },
    ]);
    expect(await members()).toEqual([{ EXTERN_ID: 'p2', email: 'b@example.com' }]);
  });

  it('rejects whole request through reject_marked fault', async () => {
    await addFault({ mode: 'reject_marked', value: 'p1' });
    const result = await post(delivery('add', [profile('p1')]));

    expect(result.status).toBe(422);
    expect(result.body).toEqual({
      code: '422',
      message: 'Some profiles of the request are invalid.',
    });
  });

  it.each([
    ['unknown field', { ...delivery('add', []), extra: 1 }],
    ['unknown operation', delivery('merge', [])],
    ['missing destination', { operation: 'add', sentAt: new Date().toISOString(), profiles: [] }],
    ['bad sentAt', { ...delivery('add', []), sentAt: 'yesterday' }],
    ['profile without id', delivery('add', [{ identifiers: {}, attributes: {} }])],
    [
      'identifier not an array',
      delivery('add', [{ id: 'p1', identifiers: { email: 'a' }, attributes: {} }]),
    ],
    ['bad consent', delivery('add', [{ ...profile('p1'), consents: { email: 'yes' } }])],
    [
      'test with profiles',
      { operation: 'test', sentAt: new Date().toISOString(), profiles: [profile('p1')] },
    ],
  ])('rejects %s', async (_case, body) => {
    const result = await post(body);

    expect(result.status).toBe(400);
    expect(result.body.code).toBe('invalid_payload');
  });

  it('rejects unreadable JSON', async () => {
    const result = await post('{"operation":');

    expect(result.status).toBe(400);
    expect(result.body.code).toBe('invalid_json');
  });

  it('answers unknown path under prefix', async () => {
    const result = await control('GET', '/webhook/elsewhere/x');

    expect(result.status).toBe(404);
    expect(result.body.code).toBe('not_found');
  });

  it('records requests under webhook partner', async () => {
    await post(delivery('add', [profile('p1')]));
    const log = await control('GET', '/_control/requests');

    expect(log.body.items[0].partner).toBe('webhook');
    expect(log.body.items[0].body.profiles[0].id).toBe('p1');
  });
});

describe('webhook receiver faults', () => {
  it('sends partner_error fault as receiver body', async () => {
    await addFault({ mode: 'partner_error', code: 409, status: 409, count: 1 });
    const result = await post(delivery('add', []));

    expect(result.status).toBe(409);
    expect(result.body.code).toBe('409');
  });

  it('sends expired token fault as 401', async () => {
    await addFault({ mode: 'expired_token', count: 1 });
    const result = await post(delivery('add', []));

    expect(result.status).toBe(401);
  });
});
