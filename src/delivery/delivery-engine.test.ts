import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/test-service.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';
import type { ActivationRequest } from './queue/activation-queue.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

let simulator: TestSimulator;
let service: TestService;
let audienceId: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await simulator.reset();
  audienceId = await simulator.createAudience();
});

afterEach(async () => {
  await service?.dispose();
});

async function createConnector(settings: Record<string, unknown> = {}, name = 'Meta') {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: {
      type: 'meta-custom-audiences',
      name,
      settings: { adAccountId: '123', baseUrl: simulator.url, ...settings },
      credentials: { accessToken: 'delivery-test-token' },
    },
  });
  expect(response.statusCode).toBe(201);

  return response.json().id as string;
}

function activation(
  connectorId: string,
  profileId: string,
  change: Partial<ActivationRequest> = {},
): ActivationRequest {
  return {
    connectorId,
    destination: { customAudienceId: audienceId },
    destinationKey: audienceId,
    profileId,
    operation: 'add',
    profile: { identifiers: { email: [`${profileId}@example.com`], externalId: [profileId] } },
    ...change,
  };
}

async function stats(connectorId: string) {
  const response = await service.app.inject({
    method: 'GET',
    url: `/api/v1/connectors/${connectorId}/stats?days=7`,
    headers: service.auth,
  });

  return response.json();
}

async function usersRequests() {
  return (await simulator.requests()).filter((request) => request.path.endsWith('/users'));
}

describe('delivery engine', () => {
  it('adds profiles and counts them', async () => {
    service = await startTestService();
    const id = await createConnector();
    await service.engine.enqueue(['p1', 'p2', 'p3'].map((profileId) => activation(id, profileId)));

    await waitFor('3 members', async () => (await simulator.members(audienceId)).length === 3);
    await waitFor('3 added', async () => (await stats(id)).totals.added === 3);
    const members = await simulator.members(audienceId);

    expect(members.map((member) => member.EMAIL).sort()).toEqual(
      ['p1', 'p2', 'p3'].map((profileId) => sha256(`${profileId}@example.com`)).sort(),
    );
    expect(members[0]?.EXTERN_ID).toMatch(/^p\d$/);
  });

  it('sends at most 10,000 rows a request', async () => {
    service = await startTestService();
    const id = await createConnector();
    const requests = Array.from({ length: 25_000 }, (_, index) => activation(id, `p${index}`));
    await service.engine.enqueue(requests);

    await waitFor('25,000 added', async () => (await stats(id)).totals.added === 25_000, 60_000);
    const sizes = (await usersRequests()).map(
      (request) => (request.body as { payload: { data: unknown[] } }).payload.data.length,
    );

    expect(sizes.sort((a, b) => b - a)).toEqual([10_000, 10_000, 5_000]);
    expect((await simulator.members(audienceId)).length).toBe(25_000);
  });

  it('never sends an add that a later remove replaced', async () => {
    service = await startTestService({}, { lingerMs: 500 });
    const id = await createConnector();
    await service.engine.enqueue([activation(id, 'p1')]);
    await service.engine.enqueue([activation(id, 'p1', { operation: 'remove' })]);

    await waitFor('1 removed', async () => (await stats(id)).totals.removed === 1);
    const methods = (await usersRequests()).map((request) => request.method);

    expect(methods).toEqual(['DELETE']);
    expect(await simulator.members(audienceId)).toEqual([]);
  });

  it('removes with the identifiers that were added', async () => {
    service = await startTestService();
    const id = await createConnector();
    await service.engine.enqueue([
      activation(id, 'p1', { profile: { identifiers: { email: ['old@example.com'] } } }),
    ]);
    await waitFor('1 member', async () => (await simulator.members(audienceId)).length === 1);
    await service.engine.enqueue([
      activation(id, 'p1', {
        operation: 'remove',
        profile: { identifiers: { email: ['new@example.com'] } },
      }),
    ]);

    await waitFor('no member', async () => (await simulator.members(audienceId)).length === 0);
    const removal = (await usersRequests()).find((request) => request.method === 'DELETE');

    expect(JSON.stringify(removal?.body)).toContain(sha256('old@example.com'));
  });

  it('replaces old identifiers when an email changes', async () => {
    service = await startTestService();
    const id = await createConnector();
    await service.engine.enqueue([
      activation(id, 'p1', { profile: { identifiers: { email: ['old@example.com'] } } }),
    ]);
    await waitFor('1 added', async () => (await stats(id)).totals.added === 1);
    await service.engine.enqueue([
      activation(id, 'p1', { profile: { identifiers: { email: ['new@example.com'] } } }),
    ]);

    await waitFor('2 added', async () => (await stats(id)).totals.added === 2);
    const members = await simulator.members(audienceId);

    expect(members.map((member) => member.EMAIL)).toEqual([sha256('new@example.com')]);
  });

  it('retries a 503 and then delivers', async () => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault({ mode: 'status', status: 503, count: 1 });
    await service.engine.enqueue([activation(id, 'p1')]);

    await waitFor('1 added', async () => (await stats(id)).totals.added === 1);
    const totals = (await stats(id)).totals;

    expect(totals.errors.other).toBe(1);
    expect(totals.failed).toBe(0);
  });

  it('retries a throttling code and then delivers', async () => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault({ mode: 'partner_error', code: 613, subcode: 1487742, count: 2 });
    await service.engine.enqueue([activation(id, 'p1')]);

    await waitFor('1 added', async () => (await stats(id)).totals.added === 1);

    expect((await stats(id)).totals.errors.partner).toEqual({ '613/1487742': 2 });
  });

  it('fails for good after the maximum attempts', async () => {
    service = await startTestService();
    const id = await createConnector({ maxAttempts: 3 });
    await simulator.fault({ mode: 'status', status: 500 });
    await service.engine.enqueue([activation(id, 'p1'), activation(id, 'p2')]);

    await waitFor('2 failed', async () => (await stats(id)).totals.failed === 2);
    const report = await stats(id);

    expect(report.totals.errors.other).toBe(6);
    expect(report.totals.added).toBe(0);
    expect(report.pendingRetry).toBe(0);
  });

  it('counts a final partner code once and gives up', async () => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault({ mode: 'partner_error', code: 100, subcode: 33, count: 1 });
    await service.engine.enqueue([activation(id, 'p1')]);

    await waitFor('1 failed', async () => (await stats(id)).totals.failed === 1);

    expect((await stats(id)).totals.errors.partner).toEqual({ '100/33': 1 });
    expect(await usersRequests()).toHaveLength(1);
  });

  it('counts a timeout and retries', async () => {
    service = await startTestService();
    const id = await createConnector({ timeoutMs: 200 });
    await simulator.fault({ mode: 'delay', delayMs: 1000, count: 1 });
    await service.engine.enqueue([activation(id, 'p1')]);

    await waitFor('1 added', async () => (await stats(id)).totals.added === 1);

    expect((await stats(id)).totals.errors.timeout).toBe(1);
  });

  it.each([
    ['an HTML 502 page', { mode: 'html', count: 1 }],
    ['a connection reset', { mode: 'reset', count: 1 }],
  ])('treats %s as a retryable other error', async (_case, fault) => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault(fault);
    await service.engine.enqueue([activation(id, 'p1')]);

    await waitFor('1 added', async () => (await stats(id)).totals.added === 1);

    expect((await stats(id)).totals.errors.other).toBe(1);
  });

  it('isolates one bad row of a rejected batch', async () => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault({ mode: 'reject_marked', value: 'bad-row' });
    const requests = Array.from({ length: 8 }, (_, index) => activation(id, `p${index}`));
    requests.push(activation(id, 'bad-row'));
    await service.engine.enqueue(requests);

    await waitFor('1 failed', async () => (await stats(id)).totals.failed === 1);
    const totals = (await stats(id)).totals;

    expect(totals.added).toBe(8);
    expect(totals.errors.partner).toEqual({ '100': 1 });
    expect((await simulator.members(audienceId)).length).toBe(8);
  });

  it('sends a pre-hashed email as given, in lower case', async () => {
    service = await startTestService();
    const id = await createConnector();
    const hashed = sha256('someone@example.com');
    await service.engine.enqueue([
      activation(id, 'p1', { profile: { identifiers: { email: [hashed.toUpperCase()] } } }),
    ]);

    await waitFor('1 added', async () => (await stats(id)).totals.added === 1);

    expect((await simulator.members(audienceId)).map((member) => member.EMAIL)).toEqual([hashed]);
  });

  it('pauses on invalid credentials and resumes after new ones', async () => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault({ mode: 'expired_token' });
    await service.engine.enqueue([activation(id, 'p1'), activation(id, 'p2')]);

    await waitFor('paused', async () => {
      const connector = await service.app.inject({
        method: 'GET',
        url: `/api/v1/connectors/${id}`,
        headers: service.auth,
      });

      return connector.json().health === 'credentials_invalid';
    });
    const attemptsWhilePaused = (await usersRequests()).length;
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await usersRequests()).length).toBe(attemptsWhilePaused);
    expect((await stats(id)).totals.errors.invalidCredentials).toBe(2);
    expect((await stats(id)).totals.failed).toBe(0);

    await simulator.clearFaults();
    await service.app.inject({
      method: 'PATCH',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
      payload: { credentials: { accessToken: 'renewed-token' } },
    });

    await waitFor('2 added', async () => (await stats(id)).totals.added === 2);
  });

  it('starts no request after deactivation and skips waiting work', async () => {
    service = await startTestService({}, { lingerMs: 20 });
    const id = await createConnector({ maxConcurrentRequests: 1 });
    await simulator.fault({ mode: 'delay', delayMs: 400 });
    const requests = Array.from({ length: 30_000 }, (_, index) => activation(id, `p${index}`));
    await service.engine.enqueue(requests);
    await waitFor('a request in flight', async () => (await simulator.requests()).length > 0);

    await service.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${id}/deactivate`,
      headers: service.auth,
    });
    const deactivatedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const late = (await simulator.requests()).filter(
      (request) => Date.parse(request.at) > deactivatedAt + 1000,
    );
    await waitFor('work settled', async () => {
      const totals = (await stats(id)).totals;

      return totals.added + totals.skipped.deactivated === 30_000;
    });

    expect(late).toEqual([]);
    expect((await stats(id)).totals.skipped.deactivated).toBeGreaterThanOrEqual(10_000);
  });

  it('keeps a healthy connector moving while another one hangs', async () => {
    service = await startTestService();
    const hanging = await createConnector(
      { baseUrl: 'http://127.0.0.1:9', timeoutMs: 5000 },
      'Down',
    );
    const healthy = await createConnector({}, 'Up');
    await service.engine.enqueue([activation(hanging, 'p1')]);
    await service.engine.enqueue([activation(healthy, 'p2')]);

    await waitFor('healthy delivered', async () => (await stats(healthy)).totals.added === 1);
  });

  it('writes an error sample without identifiers or tokens', async () => {
    service = await startTestService();
    const id = await createConnector();
    await simulator.fault({ mode: 'partner_error', code: 100, subcode: 33, count: 1 });
    await service.engine.enqueue([activation(id, 'p1')]);
    await waitFor('1 failed', async () => (await stats(id)).totals.failed === 1);

    const response = await service.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${id}/errors`,
      headers: service.auth,
    });
    const [sample] = response.json().items;

    expect(sample).toMatchObject({
      category: 'partner_error',
      partnerCode: '100/33',
      httpStatus: 400,
      batchSize: 1,
    });
    expect(sample.summary.length).toBeGreaterThan(10);
    expect(sample.fix.length).toBeGreaterThan(10);
    expect(response.body).not.toContain('delivery-test-token');
    expect(response.body).not.toContain(sha256('p1@example.com'));
    expect(response.body).not.toContain('p1@example.com');
  });
});
