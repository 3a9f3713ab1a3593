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
  await postControl('/_control/reset', {});
});

const ACCOUNT_PATH = '/v25.0/act_123?fields=id,name,account_status&access_token=token-ok';

async function postControl(path: string, body: unknown): Promise<Response> {
  return fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const response = await postControl('/_control/faults', fault);
  expect(response.status, await response.clone().text()).toBe(201);
}

async function getAccount(): Promise<Response> {
  return fetch(`${simulator.url}${ACCOUNT_PATH}`);
}

// Meta error bodies are checked field by field.
async function metaError(response: Response): Promise<any> {
  const body = (await response.json()) as { error: unknown };

  return body.error;
}

describe('fault modes', () => {
  it('delay responds normally afterwards', async () => {
    await addFault({ mode: 'delay', delayMs: 300, count: 1 });

    const started = performance.now();
    const response = await getAccount();
    const elapsedMs = performance.now() - started;

    expect(response.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
  });

  it('status without a code sends plain text', async () => {
    await addFault({ mode: 'status', status: 503, count: 1 });

    const response = await getAccount();

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Service Unavailable');
  });

  it('status with a code sends the Meta envelope', async () => {
    await addFault({ mode: 'status', status: 500, code: 2, count: 1 });

    const response = await getAccount();
    const error = await metaError(response);

    expect(response.status).toBe(500);
    expect(error.code).toBe(2);
    expect(error.type).toBe('OAuthException');
  });

  it('partner_error sends code and subcode with 400', async () => {
    await addFault({ mode: 'partner_error', code: 613, subcode: 1487742, count: 1 });

    const response = await getAccount();
    const error = await metaError(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe(613);
    expect(error.error_subcode).toBe(1487742);
    expect(typeof error.fbtrace_id).toBe('string');
  });

  it('partner_error takes a status and message', async () => {
    await addFault({
      mode: 'partner_error',
      code: 80003,
      status: 429,
      message: 'Slow down',
      count: 1,
    });

    const response = await getAccount();
    const error = await metaError(response);

    expect(response.status).toBe(429);
    expect(error.code).toBe(80003);
    expect(error.message).toBe('Slow down');
  });

  it('reset closes the connection', async () => {
    await addFault({ mode: 'reset', count: 1 });

    await expect(getAccount()).rejects.toThrow(TypeError);

    const next = await getAccount();
    expect(next.status).toBe(200);
  });

  it('html sends a 502 page', async () => {
    await addFault({ mode: 'html', count: 1 });

    const response = await getAccount();

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('expired_token sends 190/463', async () => {
    await addFault({ partner: 'meta', mode: 'expired_token', count: 1 });

    const response = await getAccount();
    const error = await metaError(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe(190);
    expect(error.error_subcode).toBe(463);
    expect(error.type).toBe('OAuthException');
  });

  it('missing_permission sends 200 with 403', async () => {
    await addFault({ mode: 'missing_permission', count: 1 });

    const response = await getAccount();
    const error = await metaError(response);

    expect(response.status).toBe(403);
    expect(error.code).toBe(200);
    expect(error.message).toMatch(/ads_management/);
  });
});

describe('fault lifetime', () => {
  it('count limits the faulted requests', async () => {
    await addFault({ mode: 'status', status: 500, count: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await getAccount()).status);

    expect(statuses).toEqual([500, 500, 200]);
  });

  it('seconds limits the fault in time', async () => {
    await addFault({ mode: 'status', status: 500, seconds: 0.3 });

    const during = await getAccount();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const after = await getAccount();

    expect(during.status).toBe(500);
    expect(after.status).toBe(200);
  });

  it('fault without limits lasts until cleared', async () => {
    await addFault({ mode: 'status', status: 500 });

    expect((await getAccount()).status).toBe(500);
    expect((await getAccount()).status).toBe(500);

    const cleared = await fetch(`${simulator.url}/_control/faults`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect((await getAccount()).status).toBe(200);
  });

  it('faults apply in the order added', async () => {
    await addFault({ mode: 'status', status: 500, count: 1 });
    await addFault({ mode: 'partner_error', code: 613, count: 1 });

    const first = await getAccount();
    const second = await getAccount();
    const third = await getAccount();

    expect(first.status).toBe(500);
    expect(second.status).toBe(400);
    expect((await metaError(second)).code).toBe(613);
    expect(third.status).toBe(200);
  });

  it('faults skip the control API', async () => {
    await addFault({ mode: 'html' });

    const requests = await fetch(`${simulator.url}/_control/requests`);

    expect(requests.status).toBe(200);
  });

  it('active faults are listed', async () => {
    await addFault({ mode: 'status', status: 500, count: 2 });
    await getAccount();

    const response = await fetch(`${simulator.url}/_control/faults`);
    const body = (await response.json()) as { items: { mode: string; remainingCount: number }[] };

    expect(body.items).toHaveLength(1);
    expect(body.items[0]?.mode).toBe('status');
    expect(body.items[0]?.remainingCount).toBe(1);
  });

  it('request log names the applied fault', async () => {
    await addFault({ mode: 'partner_error', code: 17, count: 1 });
    await getAccount();

    const response = await fetch(`${simulator.url}/_control/requests`);
    const body = (await response.json()) as { items: { fault?: string; status?: number }[] };

    expect(body.items).toHaveLength(1);
    expect(body.items[0]?.fault).toBe('partner_error');
    expect(body.items[0]?.status).toBe(400);
  });
});

describe('simulator close', () => {
  it('ends a delayed request at once', async () => {
    const own = await startSimulator({ port: 0 });
    const scheduled = await fetch(`${own.url}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'delay', delayMs: 60_000 }),
    });
    expect(scheduled.status).toBe(201);

    const pending = fetch(`${own.url}${ACCOUNT_PATH}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await own.close();

    expect(performance.now() - started).toBeLessThan(5_000);
    await expect(pending).rejects.toThrow(TypeError);
  });
});

const AUDIENCE_ID = '111';

interface UploadResult {
  status: number;
  // Response bodies are checked field by field.
  body: any;
}

/** Sends a Meta users request with one EXTERN_ID row per value. */
async function upload(values: string[], method = 'POST'): Promise<UploadResult> {
  const response = await fetch(`${simulator.url}/v25.0/${AUDIENCE_ID}/users`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      payload: { schema: ['EXTERN_ID'], data: values.map((value) => [value]) },
      access_token: 'token-ok',
    }),
  });

  return { status: response.status, body: await response.json() };
}

async function createAudience(): Promise<void> {
  const response = await postControl('/_control/audiences', {
    partner: 'meta',
    id: AUDIENCE_ID,
    name: 'Test',
  });
  expect(response.status).toBe(201);
}

async function readMemberIds(): Promise<string[]> {
  const response = await fetch(`${simulator.url}/_control/audiences/${AUDIENCE_ID}`);
  const body = (await response.json()) as { members: { EXTERN_ID: string }[] };

  return body.members.map((member) => member.EXTERN_ID);
}

describe('reject_marked fault', () => {
  beforeEach(createAudience);

  it('rejects upload with marked value', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad' });

    const result = await upload(['good-1', 'bad', 'good-2']);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(100);
    expect(result.body.error.error_subcode).toBeUndefined();
    expect(result.body.error.message).toMatch(/invalid data/);
    expect(await readMemberIds()).toEqual([]);
  });

  it('passes upload without marked value', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad' });

    const result = await upload(['good-1', 'good-2']);

    expect(result.status).toBe(200);
    expect(await readMemberIds()).toEqual(['good-1', 'good-2']);
  });

  it('matches whole cells only', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad' });

    expect((await upload(['bad-1', 'not-bad'])).status).toBe(200);
  });

  it('rejects removal with marked value', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad' });

    expect((await upload(['bad'], 'DELETE')).status).toBe(400);
  });

  it('leaves other requests alone', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad' });

    expect((await getAccount()).status).toBe(200);
  });

  it('counts only rejected requests', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad', count: 2 });

    const statuses = [];
    for (const values of [['good'], ['bad'], ['good'], ['bad', 'good'], ['bad']]) {
      statuses.push((await upload(values)).status);
    }

    expect(statuses).toEqual([200, 400, 200, 400, 200]);
  });

  it('ends after seconds', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad', seconds: 0.3 });

    const during = await upload(['bad']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const after = await upload(['bad']);

    expect(during.status).toBe(400);
    expect(after.status).toBe(200);
  });

  it('lets later fault take unmatched request', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad' });
    await addFault({ mode: 'status', status: 503, count: 1 });

    const response = await getAccount();

    expect(response.status).toBe(503);
  });

  it('names the fault in the request log', async () => {
    await addFault({ mode: 'reject_marked', value: 'bad', count: 1 });
    await upload(['bad']);

    const response = await fetch(`${simulator.url}/_control/requests`);
    const body = (await response.json()) as { items: { fault?: string; status?: number }[] };

    expect(body.items[0]?.fault).toBe('reject_marked');
    expect(body.items[0]?.status).toBe(400);
  });
});

describe('invalid_marked fault', () => {
  beforeEach(createAudience);

  it('counts marked rows as invalid entries', async () => {
    await addFault({ mode: 'invalid_marked', value: 'bad' });

    const result = await upload(['good', 'bad', 'bad']);

    expect(result.status).toBe(200);
    expect(result.body.num_received).toBe(3);
    expect(result.body.num_invalid_entries).toBe(2);
    expect(await readMemberIds()).toEqual(['good']);
  });

  it('counts only requests with marked rows', async () => {
    await addFault({ mode: 'invalid_marked', value: 'bad', count: 1 });

    const first = await upload(['good']);
    const second = await upload(['bad']);
    const third = await upload(['bad']);

    expect(first.body.num_invalid_entries).toBe(0);
    expect(second.body.num_invalid_entries).toBe(1);
    expect(third.body.num_invalid_entries).toBe(0);
  });
});

describe('Retry-After on faults', () => {
  it('status fault sets Retry-After', async () => {
    await addFault({ mode: 'status', status: 503, retryAfterSeconds: 30, count: 1 });

    const response = await getAccount();

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
  });

  it('partner_error fault sets Retry-After', async () => {
    await addFault({ mode: 'partner_error', code: 613, retryAfterSeconds: 120, count: 1 });

    const response = await getAccount();

    expect(response.status).toBe(400);
    expect(response.headers.get('retry-after')).toBe('120');
    expect((await metaError(response)).code).toBe(613);
  });

  it('sends negative Retry-After as given', async () => {
    await addFault({ mode: 'partner_error', code: 4, retryAfterSeconds: -5, count: 1 });

    const response = await getAccount();

    expect(response.headers.get('retry-after')).toBe('-5');
  });

  it('fault without retryAfterSeconds sends no header', async () => {
    await addFault({ mode: 'status', status: 503, count: 1 });

    const response = await getAccount();

    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('partner_error fault sends envelope with 200', async () => {
    await addFault({ mode: 'partner_error', code: 613, status: 200, count: 1 });

    const response = await getAccount();

    expect(response.status).toBe(200);
    expect((await metaError(response)).code).toBe(613);
  });
});
