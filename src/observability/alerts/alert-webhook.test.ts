import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivationRequest } from '../../delivery/queue/activation-queue.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../../test-support/simulator-client.js';
import { startTestService, TEST_TOKEN, type TestService } from '../../test-support/test-service.js';

const ACCESS_TOKEN = 'alert-test-access-token';
const WEBHOOK_SECRET = 'alert-webhook-secret-0123456789';

interface ReceivedNotification {
  signature: string;
  rawBody: string;
  body: {
    event: string;
    alert: { id: string; connectorId: string; kind: string; since: string };
    reason?: string;
    resolvedAt?: string;
  };
}

/** Starts an HTTP server on 127.0.0.1 that stores every request and responds with 204. */
async function startReceiver() {
  const received: ReceivedNotification[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      received.push({
        signature: String(request.headers['x-activator-signature']),
        rawBody,
        body: JSON.parse(rawBody) as ReceivedNotification['body'],
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Checks `t=<unix>,v1=<hex>` against an HMAC-SHA256 of `<t>.<body>` keyed with the secret. */
function hasValidSignature(notification: ReceivedNotification, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(notification.signature);
  if (!match) return false;
  const expected = createHmac('sha256', secret)
    .update(`${match[1]}.${notification.rawBody}`)
    .digest();

  return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
}

let simulator: TestSimulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let service: TestService | undefined;
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
  receiver = await startReceiver();
});

afterEach(async () => {
  await service?.dispose();
  service = undefined;
  await receiver.close();
});

async function startWithAlerts(env: Record<string, string> = {}) {
  service = await startTestService(
    { ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET, ...env },
    { alertCheckMs: 50 },
  );

  return service;
}

async function createConnector(current: TestService, settings: Record<string, unknown> = {}) {
  const response = await current.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: current.auth,
    payload: {
      type: 'meta-custom-audiences',
      name: 'Meta alerts',
      settings: { adAccountId: '123', baseUrl: simulator.url, ...settings },
      credentials: { accessToken: ACCESS_TOKEN },
    },
  });
  expect(response.statusCode).toBe(201);

  return response.json().id as string;
}

function activations(connectorId: string, profileIds: string[]): ActivationRequest[] {
  return profileIds.map((profileId) => ({
    connectorId,
    destination: { customAudienceId: audienceId },
    destinationKey: audienceId,
    profileId,
    operation: 'add' as const,
    profile: { identifiers: { email: [`${profileId}@example.com`] } },
  }));
}

async function openAlerts(current: TestService) {
  const response = await current.app.inject({
    method: 'GET',
    url: '/api/v1/alerts',
    headers: current.auth,
  });
  expect(response.statusCode).toBe(200);

  return response.json().items as { connectorId: string; kind: string; since: string }[];
}

/** Waits long enough for many alert checks, so a repeated notification would have arrived. */
const severalChecks = () => new Promise((resolve) => setTimeout(resolve, 400));

function expectOneOpenedOneResolved(kind: string, connectorId: string) {
  const [opened, resolved] = receiver.received;

  expect(receiver.received).toHaveLength(2);
  expect(opened?.body).toMatchObject({ event: 'alert.opened', alert: { connectorId, kind } });
  expect(resolved?.body).toMatchObject({
    event: 'alert.resolved',
    reason: 'recovered',
    alert: { connectorId, kind, id: opened?.body.alert.id },
  });
  for (const notification of receiver.received) {
    expect(hasValidSignature(notification, WEBHOOK_SECRET)).toBe(true);
    expect(notification.rawBody).not.toContain(ACCESS_TOKEN);
    expect(notification.rawBody).not.toContain(WEBHOOK_SECRET);
    expect(notification.rawBody).not.toContain(TEST_TOKEN);
    expect(notification.rawBody).not.toContain('example.com');
  }
}

describe('alerts', () => {
  it('credentials alert opens and resolves once', async () => {
    const current = await startWithAlerts();
    const connectorId = await createConnector(current);
    await simulator.fault({ mode: 'expired_token', count: 1 });
    await current.engine.enqueue(activations(connectorId, ['p1']));

    await waitFor('an opened notification', () => receiver.received.length === 1);
    await severalChecks();
    const listed = await openAlerts(current);

    expect(receiver.received).toHaveLength(1);
    expect(listed).toEqual([
      expect.objectContaining({
        connectorId,
        kind: 'credentials_invalid',
        since: expect.any(String),
      }),
    ]);

    const test = await current.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${connectorId}/test`,
      headers: current.auth,
    });
    expect(test.json().ok).toBe(true);
    await waitFor('a resolved notification', () => receiver.received.length === 2);
    await severalChecks();

    expectOneOpenedOneResolved('credentials_invalid', connectorId);
    expect(await openAlerts(current)).toEqual([]);
  });

  it('error-rate alert opens once per outage', async () => {
    const current = await startWithAlerts({
      ALERT_ERROR_RATE: '0.5',
      ALERT_ERROR_MIN_ATTEMPTS: '2',
      ALERT_ERROR_WINDOW_SECONDS: '1',
    });
    const connectorId = await createConnector(current);
    await simulator.fault({ mode: 'status', status: 500, count: 6 });
    await current.engine.enqueue(activations(connectorId, ['p1', 'p2']));

    await waitFor('an opened notification', () => receiver.received.length === 1);
    await waitFor('a resolved notification', () => receiver.received.length === 2, 15_000);
    await severalChecks();
    const failedRequests = (await simulator.requests()).filter((request) =>
      request.path.endsWith('/users'),
    ).length;

    expect(failedRequests).toBeGreaterThanOrEqual(4);
    expectOneOpenedOneResolved('error_rate', connectorId);
    expect(receiver.received[0]?.body.alert).toMatchObject({
      details: { errorRate: 1, threshold: 0.5, windowSeconds: 1 },
    });
  });

  it('stopped-sending alert opens and resolves', async () => {
    const current = await startWithAlerts({ ALERT_STOPPED_AFTER_SECONDS: '1' });
    const connectorId = await createConnector(current, { timeoutMs: 10_000 });
    await simulator.fault({ mode: 'delay', delayMs: 2_500, count: 1 });
    await current.engine.enqueue(activations(connectorId, ['p1']));

    await waitFor('an opened notification', () => receiver.received.length === 1);
    expect(await openAlerts(current)).toEqual([
      expect.objectContaining({ connectorId, kind: 'stopped_sending' }),
    ]);
    await waitFor('a resolved notification', () => receiver.received.length === 2, 10_000);
    await severalChecks();

    expectOneOpenedOneResolved('stopped_sending', connectorId);
    expect(receiver.received[0]?.body.alert).toMatchObject({
      details: { pending: 1, lastDeliveredAt: null, stoppedAfterSeconds: 1 },
    });
  });

  it('alert list requires a token', async () => {
    const current = await startWithAlerts();

    const response = await current.app.inject({ method: 'GET', url: '/api/v1/alerts' });

    expect(response.statusCode).toBe(401);
  });
});
