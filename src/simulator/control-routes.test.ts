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
  await send('POST', '/_control/reset', {});
});

interface CallResult {
  status: number;
  text: string;
  // Response bodies are checked field by field.
  body: any;
}

async function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${simulator.url}${path}`, init);
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;

  return { status: response.status, text, body: isJson ? JSON.parse(text) : undefined };
}

describe('control audiences', () => {
  it('creates an audience with a given id', async () => {
    const created = await send('POST', '/_control/audiences', {
      partner: 'meta',
      id: '42',
      name: 'A',
    });

    expect(created.status).toBe(201);
    expect(created.body.id).toBe('42');

    const read = await send('GET', '/_control/audiences/42');
    expect(read.status).toBe(200);
    expect(read.body.members).toEqual([]);
    expect(read.body.name).toBe('A');
  });

  it('generates a numeric id', async () => {
    const created = await send('POST', '/_control/audiences', { partner: 'meta', name: 'A' });

    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^\d{17}$/);
  });

  it('rejects a duplicate id with 409', async () => {
    await send('POST', '/_control/audiences', { partner: 'meta', id: '42', name: 'A' });

    const duplicate = await send('POST', '/_control/audiences', {
      partner: 'meta',
      id: '42',
      name: 'B',
    });

    expect(duplicate.status).toBe(409);
    expect(duplicate.body.statusCode).toBe(409);
    expect(duplicate.body.error).toBe('Conflict');
    expect(duplicate.body.message).toMatch(/42/);
  });

  it('rejects a non-numeric Meta id', async () => {
    const created = await send('POST', '/_control/audiences', {
      partner: 'meta',
      id: 'aud-1',
      name: 'A',
    });

    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/body\.id/);
  });

  it('returns 404 for an unknown audience', async () => {
    const read = await send('GET', '/_control/audiences/404404');

    expect(read.status).toBe(404);
    expect(read.body.statusCode).toBe(404);
  });
});

describe('control body validation', () => {
  it('rejects an unknown field by name', async () => {
    const result = await send('POST', '/_control/audiences', {
      partner: 'meta',
      name: 'A',
      colour: 'red',
    });

    expect(result.status).toBe(400);
    expect(result.body.error).toBe('Bad Request');
    expect(result.body.message).toMatch(/body\.colour/);
  });

  it('rejects a missing field by name', async () => {
    const result = await send('POST', '/_control/audiences', { partner: 'meta' });

    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/body\.name/);
  });

  it('rejects an unknown partner', async () => {
    const result = await send('POST', '/_control/audiences', { partner: 'myspace', name: 'A' });

    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/body\.partner/);
    expect(result.body.message).toMatch(/meta/);
  });

  it('lists the modes for an unknown mode', async () => {
    const result = await send('POST', '/_control/faults', { mode: 'explode' });

    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/body\.mode/);
    for (const mode of ['delay', 'status', 'partner_error', 'reset', 'html', 'expired_token']) {
      expect(result.body.message).toContain(mode);
    }
  });

  it('rejects an unknown fault field', async () => {
    const result = await send('POST', '/_control/faults', { mode: 'html', times: 2 });

    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/body\.times/);
  });

  it('requires the fields of each mode', async () => {
    const cases = [
      { fault: { mode: 'delay' }, field: 'body.delayMs' },
      { fault: { mode: 'status' }, field: 'body.status' },
      { fault: { mode: 'partner_error' }, field: 'body.code' },
      { fault: { mode: 'reject_marked' }, field: 'body.value' },
      { fault: { mode: 'invalid_marked' }, field: 'body.value' },
    ];

    for (const { fault, field } of cases) {
      const result = await send('POST', '/_control/faults', fault);

      expect(result.status, fault.mode).toBe(400);
      expect(result.body.message, fault.mode).toContain(field);
    }
  });

  it('rejects fields that do not fit the mode', async () => {
    const cases = [
      { fault: { mode: 'html', delayMs: 10 }, field: 'body.delayMs' },
      { fault: { mode: 'delay', delayMs: 10, code: 2 }, field: 'body.code' },
      { fault: { mode: 'status', status: 500, subcode: 33 }, field: 'body.subcode' },
      { fault: { mode: 'html', value: 'x' }, field: 'body.value' },
      { fault: { mode: 'reject_marked', value: 'x', code: 2 }, field: 'body.code' },
      {
        fault: { mode: 'delay', delayMs: 10, retryAfterSeconds: 5 },
        field: 'body.retryAfterSeconds',
      },
      {
        fault: { mode: 'reject_marked', value: 'x', retryAfterSeconds: 5 },
        field: 'body.retryAfterSeconds',
      },
    ];

    for (const { fault, field } of cases) {
      const result = await send('POST', '/_control/faults', fault);

      expect(result.status, JSON.stringify(fault)).toBe(400);
      expect(result.body.message, JSON.stringify(fault)).toContain(field);
    }
  });

  it('rejects invalid numbers', async () => {
    const cases = [
      { fault: { mode: 'html', count: 0 }, field: 'body.count' },
      { fault: { mode: 'html', count: '2' }, field: 'body.count' },
      { fault: { mode: 'html', seconds: -1 }, field: 'body.seconds' },
      { fault: { mode: 'status', status: 99 }, field: 'body.status' },
      { fault: { mode: 'delay', delayMs: 1.5 }, field: 'body.delayMs' },
      {
        fault: { mode: 'status', status: 503, retryAfterSeconds: 1.5 },
        field: 'body.retryAfterSeconds',
      },
      { fault: { mode: 'reject_marked', value: '' }, field: 'body.value' },
      { fault: { mode: 'reject_marked', value: 7 }, field: 'body.value' },
    ];

    for (const { fault, field } of cases) {
      const result = await send('POST', '/_control/faults', fault);

      expect(result.status, JSON.stringify(fault)).toBe(400);
      expect(result.body.message, JSON.stringify(fault)).toContain(field);
    }
  });

  it('rejects an unknown token state', async () => {
    const result = await send('POST', '/_control/tokens', {
      partner: 'meta',
      token: 't',
      state: 'revoked',
    });

    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/body\.state/);
    expect(result.body.message).toMatch(/missing_permission/);
  });

  it('returns 404 for an unknown control path', async () => {
    const result = await send('GET', '/_control/colours');

    expect(result.status).toBe(404);
    expect(result.body.statusCode).toBe(404);
  });
});

describe('request log', () => {
  it('redacts tokens', async () => {
    await send('POST', '/_control/audiences', { partner: 'meta', id: '111', name: 'A' });
    await send('GET', '/v25.0/act_1?fields=id&access_token=secret-query');
    await send('GET', '/v25.0/act_1', undefined, { authorization: 'Bearer secret-header' });
    await send('POST', '/v25.0/111/users', {
      payload: { schema: ['EXTERN_ID'], data: [['cust-1']] },
      access_token: 'secret-body',
    });

    const log = await send('GET', '/_control/requests');

    expect(log.status).toBe(200);
    expect(log.text).not.toMatch(/secret-/);
    expect(log.body.items).toHaveLength(3);

    const [queryRequest, headerRequest, bodyRequest] = log.body.items;
    expect(queryRequest.method).toBe('GET');
    expect(queryRequest.path).toBe('/v25.0/act_1');
    expect(queryRequest.query).toEqual({ fields: 'id', access_token: '***' });
    expect(headerRequest.headers.authorization).toBe('***');
    expect(bodyRequest.body.access_token).toBe('***');
    expect(bodyRequest.body.payload).toEqual({ schema: ['EXTERN_ID'], data: [['cust-1']] });
    expect(bodyRequest.status).toBe(200);
    expect(Date.parse(bodyRequest.at)).not.toBeNaN();
  });

  it('leaves out control requests', async () => {
    await send('GET', '/_control/faults');

    const log = await send('GET', '/_control/requests');

    expect(log.body.items).toEqual([]);
  });
});

describe('reset', () => {
  it('clears all state', async () => {
    await send('POST', '/_control/audiences', { partner: 'meta', id: '111', name: 'A' });
    await send('POST', '/_control/tokens', { partner: 'meta', token: 'bad', state: 'expired' });
    await send('POST', '/_control/faults', { mode: 'status', status: 500, count: 5 });
    await send('GET', '/v25.0/act_1?access_token=t');

    const reset = await send('POST', '/_control/reset', {});
    expect(reset.status).toBe(200);

    expect((await send('GET', '/_control/audiences/111')).status).toBe(404);
    expect((await send('GET', '/_control/faults')).body.items).toEqual([]);
    expect((await send('GET', '/_control/requests')).body.items).toEqual([]);
    expect((await send('GET', '/v25.0/act_1?access_token=bad')).status).toBe(200);
  });
});
