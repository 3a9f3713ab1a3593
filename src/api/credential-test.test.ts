import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator/simulator-server.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

let simulator: Awaited<ReturnType<typeof startSimulator>>;
let service: TestService;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await fetch(`${simulator.url}/_control/reset`, { method: 'POST' });
  service = await startTestService();
});

afterEach(async () => {
  await service.dispose();
});

async function createConnector(settings: object = {}) {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: {
      type: 'meta-custom-audiences',
      name: 'Meta',
      settings: { adAccountId: 'act_555', baseUrl: simulator.url, ...settings },
      credentials: { accessToken: 'token-under-test', appSecret: 'app-secret-under-test' },
    },
  });

  return response.json().id as string;
}

async function testConnector(id: string) {
  const response = await service.app.inject({
    method: 'POST',
    url: `/api/v1/connectors/${id}/test`,
    headers: service.auth,
  });
  expect(response.statusCode).toBe(200);

  return response.json();
}

async function injectFault(fault: object) {
  const response = await fetch(`${simulator.url}/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ partner: 'meta', ...fault }),
  });
  expect(response.status).toBeLessThan(300);
}

async function simulatorRequests() {
  const response = await fetch(`${simulator.url}/_control/requests`);
  const body = (await response.json()) as {
    items: { path: string; query: Record<string, string> }[];
  };

  return body.items;
}

describe('POST /connectors/:id/test', () => {
  it('reads the ad account with the stored token', async () => {
    const result = await testConnector(await createConnector());
    const requests = await simulatorRequests();

    expect(result.ok).toBe(true);
    expect(result.message).toContain('act_555');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/v25.0/act_555');
    expect(requests[0]?.query.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(requests)).not.toContain('token-under-test');
  });

  it('uses the configured API version', async () => {
    await testConnector(await createConnector({ apiVersion: 'v24.0' }));
    const requests = await simulatorRequests();

    expect(requests[0]?.path).toBe('/v24.0/act_555');
  });

  it('reports an expired token as invalid credentials with the code', async () => {
    const id = await createConnector();
    await injectFault({ mode: 'expired_token', count: 1 });
    const result = await testConnector(id);

    expect(result).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: '190/463',
    });
    expect(result.message).not.toContain('token-under-test');
  });

  it('reports a missing permission as invalid credentials', async () => {
    const id = await createConnector();
    await injectFault({ mode: 'missing_permission', count: 1 });

    expect(await testConnector(id)).toMatchObject({
      ok: false,
      category: 'invalid_credentials',
      partnerCode: '200',
    });
  });

  it('reports an unknown ad account as a partner error', async () => {
    const id = await createConnector();
    await injectFault({ mode: 'partner_error', code: 100, subcode: 33, count: 1 });

    expect(await testConnector(id)).toMatchObject({
      ok: false,
      category: 'partner_error',
      partnerCode: '100/33',
    });
  });

  it('reports a slow partner as a timeout', async () => {
    const id = await createConnector({ timeoutMs: 200 });
    await injectFault({ mode: 'delay', delayMs: 2000, count: 1 });

    expect(await testConnector(id)).toMatchObject({ ok: false, category: 'timeout' });
  });

  it.each([
    ['an HTML error page', { mode: 'html', count: 1 }],
    ['a connection reset', { mode: 'reset', count: 1 }],
    ['a 503 without a body', { mode: 'status', status: 503, count: 1 }],
  ])('reports %s as other', async (_case, fault) => {
    const id = await createConnector();
    await injectFault(fault);

    expect(await testConnector(id)).toMatchObject({ ok: false, category: 'other' });
  });

  it('resumes a connector paused for invalid credentials', async () => {
    const id = await createConnector();
    await service.store.db
      .updateTable('connectors')
      .set({ health: 'credentials_invalid' })
      .where('id', '=', id)
      .execute();
    await testConnector(id);
    const connector = await service.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
    });

    expect(connector.json().health).toBe('ok');
  });

  it('keeps a paused connector paused when the test fails', async () => {
    const id = await createConnector();
    await service.store.db
      .updateTable('connectors')
      .set({ health: 'credentials_invalid' })
      .where('id', '=', id)
      .execute();
    await injectFault({ mode: 'expired_token', count: 1 });
    await testConnector(id);
    const connector = await service.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
    });

    expect(connector.json().health).toBe('credentials_invalid');
  });

  it('resumes a paused connector when its credentials change', async () => {
    const id = await createConnector();
    await service.store.db
      .updateTable('connectors')
      .set({ health: 'credentials_invalid' })
      .where('id', '=', id)
      .execute();
    const response = await service.app.inject({
      method: 'PATCH',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
      payload: { credentials: { accessToken: 'fresh-token' } },
    });

    expect(response.json().health).toBe('ok');
  });

  it('refuses a private baseUrl at call time when private destinations are not allowed', async () => {
    const id = await createConnector();
    const strict = await startTestService({
      DATA_DIR: service.dataDir,
      ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'false',
    });
    const response = await strict.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${id}/test`,
      headers: strict.auth,
    });
    await strict.close();
    const requests = await simulatorRequests();

    expect(response.json()).toMatchObject({ ok: false, category: 'other' });
    expect(response.json().message).toContain('loopback');
    expect(requests).toHaveLength(0);
  });
});
