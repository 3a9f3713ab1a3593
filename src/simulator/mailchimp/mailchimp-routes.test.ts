import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../simulator-server.js';
import { startSimulatorWithMailchimp } from './start-simulator-with-mailchimp.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulatorWithMailchimp();
});

afterAll(async () => {
  await simulator.close();
});

const API_KEY = '0123456789abcdef0123456789abcdef-us6';
const LIST_ID = 'a1b2c3d4e5';

beforeEach(async () => {
  await call('POST', '/_control/reset');
  const created = await call('POST', '/_control/audiences', {
    partner: 'mailchimp',
    id: LIST_ID,
    name: 'Newsletter',
  });
  expect(created.status).toBe(201);
});

interface CallResult {
  status: number;
  contentType: string;
  // Test responses are checked field by field, so an untyped body keeps the checks short.
  body: any;
}

function basic(apiKey: string): string {
  return `Basic ${Buffer.from(`anyuser:${apiKey}`).toString('base64')}`;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${simulator.url}${path}`, init);
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';

  return { status: response.status, contentType, body: text === '' ? undefined : tryJson(text) };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function mailchimp(method: string, path: string, body?: unknown, apiKey = API_KEY) {
  return call(method, `/mailchimp/3.0${path}`, body, { authorization: basic(apiKey) });
}

function batch(members: { email_address: string; status: string }[], updateExisting = true) {
  return mailchimp('POST', `/lists/${LIST_ID}`, { members, update_existing: updateExisting });
}

async function listMembers(): Promise<Record<string, string>[]> {
  const result = await call('GET', `/_control/audiences/${LIST_ID}`);
  return result.body.members;
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const result = await call('POST', '/_control/faults', { partner: 'mailchimp', ...fault });
  expect(result.status).toBe(201);
}

describe('mailchimp simulator authentication', () => {
  it('answers ping with valid key', async () => {
    const result = await mailchimp('GET', '/ping');

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ health_status: "Everything's Chimpy!" });
  });

  it('rejects request without key', async () => {
    const result = await call('GET', '/mailchimp/3.0/ping');

    expect(result.status).toBe(401);
    expect(result.contentType).toContain('application/problem+json');
    expect(result.body.title).toBe('API Key Missing');
    expect(result.body.status).toBe(401);
  });

  it.each([['no-data-center'], ['0123456789abcdef0123456789abcdef'], ['short-us6']])(
    'rejects malformed key %s',
    async (apiKey) => {
      const result = await mailchimp('GET', '/ping', undefined, apiKey);

      expect(result.status).toBe(401);
      expect(result.body.title).toBe('API Key Invalid');
    },
  );

  it('accepts key of any data center', async () => {
    const result = await mailchimp('GET', '/ping', undefined, `${API_KEY.slice(0, 32)}-eu1`);

    expect(result.status).toBe(200);
  });

  it('rejects key marked expired', async () => {
    await call('POST', '/_control/tokens', {
      partner: 'mailchimp',
      token: API_KEY,
      state: 'expired',
    });
    const result = await mailchimp('GET', '/ping');

    expect(result.status).toBe(401);
    expect(result.body.title).toBe('API Key Invalid');
  });

  it('rejects key marked missing permission', async () => {
    await call('POST', '/_control/tokens', {
      partner: 'mailchimp',
      token: API_KEY,
      state: 'missing_permission',
    });
    const result = await mailchimp('GET', '/ping');

    expect(result.status).toBe(403);
    expect(result.body.title).toBe('Forbidden');
  });

  it('redacts authorization in request log', async () => {
    await mailchimp('GET', '/ping');
    const log = await call('GET', '/_control/requests');
    const [entry] = log.body.items;

    expect(entry.partner).toBe('mailchimp');
    expect(entry.headers.authorization).toBe('***');
  });
});

describe('mailchimp simulator lists', () => {
  it('reads list with requested fields', async () => {
    const result = await mailchimp('GET', `/lists/${LIST_ID}?fields=id,name`);

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ id: LIST_ID, name: 'Newsletter' });
  });

  it('answers unknown list with Resource Not Found', async () => {
    const result = await mailchimp('GET', '/lists/zzz999');

    expect(result.status).toBe(404);
    expect(result.body.title).toBe('Resource Not Found');
  });

  it('answers unknown path with Mailchimp problem', async () => {
    const result = await mailchimp('GET', '/campaigns');

    expect(result.status).toBe(404);
    expect(result.body.title).toBe('Resource Not Found');
  });

  it('answers unsupported method with Method Not Allowed', async () => {
    const result = await mailchimp('DELETE', `/lists/${LIST_ID}`);

    expect(result.status).toBe(405);
    expect(result.body.title).toBe('Method Not Allowed');
  });

  it('leaves Meta paths to Meta routes', async () => {
    const result = await call('GET', '/v25.0/act_123?access_token=token-ok');

    expect(result.status).toBe(200);
    expect(result.body.id).toBe('act_123');
  });
});

describe('mailchimp simulator batch', () => {
  it('subscribes new members', async () => {
    const result = await batch([{ email_address: 'a@example.com', status: 'subscribed' }]);

    expect(result.status).toBe(200);
    expect(result.body.total_created).toBe(1);
    expect(result.body.new_members[0].email_address).toBe('a@example.com');
    expect(result.body.error_count).toBe(0);
    expect(await listMembers()).toEqual([{ EMAIL: 'a@example.com', STATUS: 'subscribed' }]);
  });

  it('updates existing members', async () => {
    await batch([{ email_address: 'a@example.com', status: 'subscribed' }]);
    const result = await batch([{ email_address: 'A@Example.com', status: 'subscribed' }]);

    expect(result.body.total_created).toBe(0);
    expect(result.body.total_updated).toBe(1);
    expect(await listMembers()).toHaveLength(1);
  });

  it('unsubscribes members', async () => {
    await batch([
      { email_address: 'a@example.com', status: 'subscribed' },
      { email_address: 'b@example.com', status: 'subscribed' },
    ]);
    const result = await batch([{ email_address: 'a@example.com', status: 'unsubscribed' }]);

    expect(result.body.total_updated).toBe(1);
    expect(await listMembers()).toEqual([{ EMAIL: 'b@example.com', STATUS: 'subscribed' }]);
  });

  it('reports existing member without update_existing', async () => {
    await batch([{ email_address: 'a@example.com', status: 'subscribed' }]);
    const result = await batch([{ email_address: 'a@example.com', status: 'subscribed' }], false);

    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        email_address: 'a@example.com',
        error_code: 'ERROR_CONTACT_EXISTS',
      }),
    ]);
  });

  it('reports malformed address and keeps the rest', async () => {
    const result = await batch([
      { email_address: 'not-an-address', status: 'subscribed' },
      { email_address: 'b@example.com', status: 'subscribed' },
    ]);

    expect(result.status).toBe(200);
    expect(result.body.error_count).toBe(1);
    expect(result.body.errors[0]).toMatchObject({
      email_address: 'not-an-address',
      error_code: 'ERROR_GENERIC',
    });
    expect(await listMembers()).toEqual([{ EMAIL: 'b@example.com', STATUS: 'subscribed' }]);
  });

  it('reports marked member through invalid_marked fault', async () => {
    await addFault({ mode: 'invalid_marked', value: 'marked@example.com' });
    const result = await batch([
      { email_address: 'marked@example.com', status: 'subscribed' },
      { email_address: 'b@example.com', status: 'subscribed' },
    ]);

    expect(result.status).toBe(200);
    expect(
      result.body.errors.map((error: { email_address: string }) => error.email_address),
    ).toEqual(['marked@example.com']);
    expect(result.body.total_created).toBe(1);
  });

  it('rejects whole batch through reject_marked fault', async () => {
    await addFault({ mode: 'reject_marked', value: 'marked@example.com' });
    const result = await batch([{ email_address: 'marked@example.com', status: 'subscribed' }]);

    expect(result.status).toBe(400);
    expect(result.body.title).toBe('Invalid Resource');
    expect(await listMembers()).toEqual([]);
  });

  it('rejects more than 500 members', async () => {
    const members = Array.from({ length: 501 }, (_, index) => ({
      email_address: `user${index}@example.com`,
      status: 'subscribed',
    }));
    const result = await batch(members);

    expect(result.status).toBe(400);
    expect(result.body.title).toBe('Invalid Resource');
    expect(result.body.errors[0].field).toBe('members');
  });

  it.each([
    ['unknown body field', { members: [], colour: 'red' }, 'colour'],
    [
      'unknown status',
      { members: [{ email_address: 'a@example.com', status: 'gone' }] },
      'members.0.status',
    ],
    ['missing address', { members: [{ status: 'subscribed' }] }, 'members.0.email_address'],
    ['sync_tags alone', { members: [], sync_tags: true }, 'sync_tags'],
  ])('rejects %s', async (_case, body, field) => {
    const result = await mailchimp('POST', `/lists/${LIST_ID}`, body);

    expect(result.status).toBe(400);
    expect(result.body.title).toBe('Invalid Resource');
    expect(result.body.errors[0].field).toBe(field);
  });

  it('rejects unknown query parameter', async () => {
    const result = await mailchimp('POST', `/lists/${LIST_ID}?colour=red`, { members: [] });

    expect(result.status).toBe(400);
    expect(result.body.title).toBe('Bad Request');
  });

  it('accepts skip_merge_validation', async () => {
    const result = await mailchimp('POST', `/lists/${LIST_ID}?skip_merge_validation=true`, {
      members: [],
    });

    expect(result.status).toBe(200);
  });

  it('answers unreadable JSON with JSON Parse Error', async () => {
    const result = await mailchimp('POST', `/lists/${LIST_ID}`, '{"members": [');

    expect(result.status).toBe(400);
    expect(result.body.title).toBe('JSON Parse Error');
  });

  it('answers batch to unknown list with Resource Not Found', async () => {
    const result = await mailchimp('POST', '/lists/zzz999', { members: [] });

    expect(result.status).toBe(404);
    expect(result.body.title).toBe('Resource Not Found');
  });
});

describe('mailchimp simulator faults', () => {
  it.each([
    [403, 2, 'Wrong Datacenter'],
    [429, undefined, 'Too Many Requests'],
    [503, undefined, 'Compliance Related'],
    [401, 1, 'API Key Invalid'],
  ])('sends glossary entry for code %i subcode %s', async (code, subcode, title) => {
    await addFault({ mode: 'partner_error', code, subcode, status: code, count: 1 });
    const result = await mailchimp('GET', '/ping');

    expect(result.status).toBe(code);
    expect(result.body.title).toBe(title);
    expect(result.body.status).toBe(code);
  });

  it('sends Retry-After with status fault', async () => {
    await addFault({ mode: 'status', status: 429, retryAfterSeconds: 30, count: 1 });
    const response = await fetch(`${simulator.url}/mailchimp/3.0/ping`, {
      headers: { authorization: basic(API_KEY) },
    });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
  });

  it('sends expired key error', async () => {
    await addFault({ mode: 'expired_token', count: 1 });
    const result = await mailchimp('GET', '/ping');

    expect(result.status).toBe(401);
    expect(result.body.title).toBe('API Key Invalid');
  });
});
