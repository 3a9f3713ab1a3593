import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from './simulator-server.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await call('POST', '/_control/reset');
});

const TOKEN = 'token-ok';
const AUDIENCE_ID = '111';

interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // Test responses are checked field by field, so an untyped body keeps the checks short.
  body: any;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${simulator.url}${path}`, init);
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;

  const parsed: unknown = isJson ? JSON.parse(text) : undefined;

  return { status: response.status, headers: response.headers, text, body: parsed };
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

async function createControlAudience(id = AUDIENCE_ID): Promise<void> {
  const created = await call('POST', '/_control/audiences', { partner: 'meta', id, name: 'Test' });
  expect(created.status).toBe(201);
}

function usersBody(schema: string[], data: string[][], token = TOKEN): unknown {
  return { payload: { schema, data }, access_token: token };
}

async function readMembers(id = AUDIENCE_ID): Promise<Record<string, string>[]> {
  const audience = await call('GET', `/_control/audiences/${id}`);
  expect(audience.status).toBe(200);

  return audience.body.members;
}

describe('credential check', () => {
  it('returns the ad account', async () => {
    const result = await call('GET', '/v25.0/act_123?fields=id,name,account_status', undefined, {
      authorization: `Bearer ${TOKEN}`,
    });

    expect(result.status).toBe(200);
    expect(result.body.id).toBe('act_123');
    expect(typeof result.body.name).toBe('string');
    expect(result.body.account_status).toBe(1);
  });

  it('accepts the token in the query', async () => {
    const result = await call('GET', `/v25.0/act_123?fields=id&access_token=${TOKEN}`);

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ id: 'act_123' });
  });

  it('rejects a missing token with 190', async () => {
    const result = await call('GET', '/v25.0/act_123?fields=id,name,account_status');

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(190);
    expect(result.body.error.type).toBe('OAuthException');
    expect(result.body.error.message).toMatch(/active access token/);
    expect(typeof result.body.error.fbtrace_id).toBe('string');
  });

  it('rejects a token marked expired', async () => {
    const marked = await call('POST', '/_control/tokens', {
      partner: 'meta',
      token: 'token-old',
      state: 'expired',
    });
    expect(marked.status).toBe(200);

    const expired = await call('GET', '/v25.0/act_123?access_token=token-old');
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe(190);
    expect(expired.body.error.error_subcode).toBe(463);

    const other = await call('GET', `/v25.0/act_123?access_token=${TOKEN}`);
    expect(other.status).toBe(200);
  });

  it('rejects a token without permission', async () => {
    await call('POST', '/_control/tokens', {
      partner: 'meta',
      token: 'token-limited',
      state: 'missing_permission',
    });

    const result = await call('GET', '/v25.0/act_123', undefined, {
      authorization: 'Bearer token-limited',
    });

    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe(200);
    expect(result.body.error.message).toMatch(/ads_management/);
  });

  it('accepts a token marked valid again', async () => {
    await call('POST', '/_control/tokens', { partner: 'meta', token: 'token-x', state: 'expired' });
    await call('POST', '/_control/tokens', { partner: 'meta', token: 'token-x', state: 'valid' });

    const result = await call('GET', '/v25.0/act_123?access_token=token-x');

    expect(result.status).toBe(200);
  });

  it('rejects a non-digit ad account with 100/33', async () => {
    const result = await call('GET', `/v25.0/act_abc?access_token=${TOKEN}`);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.error_subcode).toBe(33);
  });

  it('rejects an unknown field name', async () => {
    const result = await call('GET', `/v25.0/act_123?fields=id,colour&access_token=${TOKEN}`);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.message).toMatch(/colour/);
  });

  it('rejects a malformed version', async () => {
    for (const version of ['v25', '25.0', 'v25.1', 'latest']) {
      const result = await call('GET', `/${version}/act_123?access_token=${TOKEN}`);

      expect(result.status, version).toBe(400);
      expect(result.body.error.code, version).toBe(100);
      expect(result.body.error.message, version).toContain(version);
    }
  });
});

describe('custom audience creation', () => {
  const createBody = {
    name: 'Newsletter',
    subtype: 'CUSTOM',
    customer_file_source: 'USER_PROVIDED_ONLY',
    description: 'Created by a test',
    access_token: TOKEN,
  };

  it('creates an empty audience', async () => {
    const created = await call('POST', '/v25.0/act_123/customaudiences', createBody);
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^\d+$/);

    const members = await readMembers(created.body.id);
    expect(members).toEqual([]);

    const readPath = `/v25.0/${created.body.id}?fields=id,name&access_token=${TOKEN}`;
    const read = await call('GET', readPath);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: created.body.id, name: 'Newsletter' });
  });

  it('rejects a subtype other than CUSTOM', async () => {
    const result = await call('POST', '/v25.0/act_123/customaudiences', {
      ...createBody,
      subtype: 'LOOKALIKE',
    });

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.message).toMatch(/subtype/);
  });

  it('rejects a missing customer_file_source', async () => {
    const { customer_file_source: _omitted, ...body } = createBody;
    const result = await call('POST', '/v25.0/act_123/customaudiences', body);

    expect(result.status).toBe(400);
    expect(result.body.error.message).toMatch(/customer_file_source/);
  });

  it('rejects an unknown parameter', async () => {
    const result = await call('POST', '/v25.0/act_123/customaudiences', {
      ...createBody,
      colour: 'red',
    });

    expect(result.status).toBe(400);
    expect(result.body.error.message).toMatch(/colour/);
  });
});

describe('audience users', () => {
  it('adds rows and stores members', async () => {
    await createControlAudience();
    const rows = [
      ['cust-1', sha256('a@example.com'), sha256('31612345678')],
      ['cust-2', sha256('b@example.com'), ''],
    ];

    const result = await call(
      'POST',
      `/v25.0/${AUDIENCE_ID}/users`,
      usersBody(['EXTERN_ID', 'EMAIL', 'PHONE'], rows),
    );

    expect(result.status).toBe(200);
    expect(result.body.audience_id).toBe(AUDIENCE_ID);
    expect(result.body.session_id).toMatch(/^\d+$/);
    expect(result.body.num_received).toBe(2);
    expect(result.body.num_invalid_entries).toBe(0);
    expect(result.body.invalid_entry_samples).toEqual({});
    expect(await readMembers()).toEqual([
      { EXTERN_ID: 'cust-1', EMAIL: sha256('a@example.com'), PHONE: sha256('31612345678') },
      { EXTERN_ID: 'cust-2', EMAIL: sha256('b@example.com') },
    ]);
  });

  it('stores a repeated row once', async () => {
    await createControlAudience();
    const body = usersBody(['EMAIL'], [[sha256('a@example.com')]]);

    await call('POST', `/v25.0/${AUDIENCE_ID}/users`, body);
    await call('POST', `/v25.0/${AUDIENCE_ID}/users`, body);

    expect(await readMembers()).toHaveLength(1);
  });

  it('removes members matching any key', async () => {
    await createControlAudience();
    const rows = [
      [sha256('a@example.com'), sha256('111')],
      [sha256('b@example.com'), sha256('222')],
    ];
    await call('POST', `/v25.0/${AUDIENCE_ID}/users`, usersBody(['EMAIL', 'PHONE'], rows));

    const removed = await call(
      'DELETE',
      `/v25.0/${AUDIENCE_ID}/users`,
      usersBody(['EMAIL', 'PHONE'], [['', sha256('111')]]),
    );

    expect(removed.status).toBe(200);
    expect(removed.body.num_received).toBe(1);
    expect(removed.body.num_invalid_entries).toBe(0);
    expect(await readMembers()).toEqual([{ EMAIL: sha256('b@example.com'), PHONE: sha256('222') }]);
  });

  it('counts invalid rows in num_invalid_entries', async () => {
    await createControlAudience();
    const rows = [
      [sha256('a@example.com'), 'cust-1'],
      [sha256('b@example.com').toUpperCase(), 'cust-2'],
      ['c@example.com', 'cust-3'],
      ['', ''],
    ];

    const result = await call(
      'POST',
      `/v25.0/${AUDIENCE_ID}/users`,
      usersBody(['EMAIL', 'EXTERN_ID'], rows),
    );

    expect(result.status).toBe(200);
    expect(result.body.num_received).toBe(4);
    expect(result.body.num_invalid_entries).toBe(3);
    expect(await readMembers()).toEqual([{ EMAIL: sha256('a@example.com'), EXTERN_ID: 'cust-1' }]);
  });

  it('accepts plain EXTERN_ID and MADID values', async () => {
    await createControlAudience();
    const madid = '6d92078a-8246-4ba4-ae5b-76104861e7dc';

    const result = await call(
      'POST',
      `/v25.0/${AUDIENCE_ID}/users`,
      usersBody(['EXTERN_ID', 'MADID'], [['cust-1', madid]]),
    );

    expect(result.body.num_invalid_entries).toBe(0);
    expect(await readMembers()).toEqual([{ EXTERN_ID: 'cust-1', MADID: madid }]);
  });

  it('rejects an unknown audience with 100/33', async () => {
    const result = await call('POST', '/v25.0/999/users', usersBody(['EMAIL'], [[sha256('a')]]));

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.error_subcode).toBe(33);
  });

  it('rejects an unknown audience on removal', async () => {
    const result = await call('DELETE', '/v25.0/999/users', usersBody(['EMAIL'], [[sha256('a')]]));

    expect(result.status).toBe(400);
    expect(result.body.error.error_subcode).toBe(33);
  });

  it('accepts exactly 10,000 rows', async () => {
    await createControlAudience();
    const rows = Array.from({ length: 10_000 }, (_, i) => [sha256(`user${i}@example.com`)]);

    const result = await call('POST', `/v25.0/${AUDIENCE_ID}/users`, usersBody(['EMAIL'], rows));

    expect(result.status).toBe(200);
    expect(result.body.num_received).toBe(10_000);
    expect(await readMembers()).toHaveLength(10_000);
  });

  it('rejects more than 10,000 rows', async () => {
    await createControlAudience();
    const rows = Array.from({ length: 10_001 }, (_, i) => [sha256(`user${i}@example.com`)]);

    const result = await call('POST', `/v25.0/${AUDIENCE_ID}/users`, usersBody(['EMAIL'], rows));

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.message).toMatch(/10000/);
    expect(await readMembers()).toEqual([]);
  });

  it('rejects a row of wrong length', async () => {
    await createControlAudience();
    const rows = [[sha256('a'), sha256('b')], [sha256('c')]];

    const body = usersBody(['EMAIL', 'PHONE'], rows);
    const result = await call('POST', `/v25.0/${AUDIENCE_ID}/users`, body);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.message).toMatch(/payload\.data\[1\]/);
  });

  it('rejects schema errors with code 100', async () => {
    await createControlAudience();
    const cases: { schema: unknown; pattern: RegExp }[] = [
      { schema: 'EMAIL', pattern: /schema/ },
      { schema: [], pattern: /schema/ },
      { schema: ['EMAIL', 'EMAIL'], pattern: /twice/ },
      { schema: ['EMAIL_SHA256'], pattern: /EMAIL_SHA256/ },
    ];

    for (const { schema, pattern } of cases) {
      const body = { payload: { schema, data: [[sha256('a')]] }, access_token: TOKEN };
      const result = await call('POST', `/v25.0/${AUDIENCE_ID}/users`, body);

      expect(result.status, JSON.stringify(schema)).toBe(400);
      expect(result.body.error.code, JSON.stringify(schema)).toBe(100);
      expect(result.body.error.message, JSON.stringify(schema)).toMatch(pattern);
    }
  });

  it('rejects a non-string value', async () => {
    await createControlAudience();
    const body = { payload: { schema: ['EMAIL'], data: [[42]] }, access_token: TOKEN };

    const result = await call('POST', `/v25.0/${AUDIENCE_ID}/users`, body);

    expect(result.status).toBe(400);
    expect(result.body.error.message).toMatch(/payload\.data\[0\]\[0\]/);
  });

  it('rejects a payload in the URL query', async () => {
    await createControlAudience();
    const payloadJson = JSON.stringify({ schema: ['EMAIL'], data: [[sha256('a')]] });
    const payload = encodeURIComponent(payloadJson);

    const result = await call(
      'POST',
      `/v25.0/${AUDIENCE_ID}/users?payload=${payload}&access_token=${TOKEN}`,
    );

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.message).toMatch(/payload/);
  });

  it('echoes the session id', async () => {
    await createControlAudience();
    const body = {
      payload: { schema: ['EMAIL'], data: [[sha256('a')]] },
      session: { session_id: 9778993, batch_seq: 1, last_batch_flag: true },
      access_token: TOKEN,
    };

    const result = await call('POST', `/v25.0/${AUDIENCE_ID}/users`, body);

    expect(result.status).toBe(200);
    expect(result.body.session_id).toBe('9778993');
  });

  it('accepts a form-encoded payload', async () => {
    await createControlAudience();
    const form = new URLSearchParams({
      payload: JSON.stringify({ schema: ['EMAIL'], data: [[sha256('a@example.com')]] }),
      access_token: TOKEN,
    });

    const response = await fetch(`${simulator.url}/v25.0/${AUDIENCE_ID}/users`, {
      method: 'POST',
      body: form,
    });

    expect(response.status).toBe(200);
    expect(await readMembers()).toEqual([{ EMAIL: sha256('a@example.com') }]);
  });

  it('rejects invalid JSON with the Meta envelope', async () => {
    await createControlAudience();

    const response = await fetch(`${simulator.url}/v25.0/${AUDIENCE_ID}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"payload": ',
    });
    const body = (await response.json()) as { error: { code: number; type: string } };

    expect(response.status).toBe(400);
    expect(body.error.code).toBe(100);
    expect(body.error.type).toBe('OAuthException');
  });

  it('rejects an unknown edge with 2500', async () => {
    const result = await call('GET', `/v25.0/act_123/colours?access_token=${TOKEN}`);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(2500);
  });

  it('rejects a deeper unknown path with 2500', async () => {
    const result = await call('GET', `/v25.0/act_123/a/b?access_token=${TOKEN}`);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(2500);
    expect(result.body.error.message).toBe('Unknown path components: /act_123/a/b');
  });
});
