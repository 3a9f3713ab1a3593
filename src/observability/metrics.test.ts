import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivationRequest } from '../delivery/queue/activation-queue.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';
import { parsePrometheusText, sampleValue } from '../test-support/prometheus-text.js';
import { startTestService, TEST_TOKEN, type TestService } from '../test-support/test-service.js';

const ACCESS_TOKEN = 'metrics-test-access-token';

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
  service = await startTestService();
});

afterEach(async () => {
  await service.dispose();
});

async function createConnector(): Promise<string> {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: {
      type: 'meta-custom-audiences',
      name: 'Meta metrics',
      settings: { adAccountId: '123', baseUrl: simulator.url },
      credentials: { accessToken: ACCESS_TOKEN },
    },
  });
  expect(response.statusCode).toBe(201);

  return response.json().id as string;
}

function activation(connectorId: string, profileId: string): ActivationRequest {
  return {
    connectorId,
    destination: { customAudienceId: audienceId },
    destinationKey: audienceId,
    profileId,
    operation: 'add',
    profile: { identifiers: { email: [`${profileId}@example.com`] } },
  };
}

async function totals(connectorId: string) {
  const response = await service.app.inject({
    method: 'GET',
    url: `/api/v1/connectors/${connectorId}/stats?days=7`,
    headers: service.auth,
  });

  return response.json().totals as { added: number; failed: number };
}

async function scrape() {
  const response = await service.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: service.auth,
  });
  expect(response.statusCode).toBe(200);

  return { text: response.body, samples: parsePrometheusText(response.body), response };
}

/** Parsed log lines of the service. */
function logEntries(): Record<string, unknown>[] {
  return service
    .logText()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('GET /metrics', () => {
  it('rejects a request without a token', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(401);
  });

  it('serves the Prometheus text format', async () => {
    const { response, samples } = await scrape();

    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts a retried delivery and a final failure', async () => {
    const connectorId = await createConnector();
    const connector = { connector_id: connectorId };
    await simulator.fault({ mode: 'status', status: 500, count: 1 });
    await service.engine.enqueue(['p1', 'p2', 'p3'].map((id) => activation(connectorId, id)));
    await waitFor('3 added', async () => (await totals(connectorId)).added === 3);
    // Meta code 100 is a partner error that is never retried.
    await simulator.fault({ mode: 'partner_error', status: 400, code: 100, count: 1 });
    await service.engine.enqueue([activation(connectorId, 'p4')]);
    await waitFor('1 failed', async () => (await totals(connectorId)).failed === 1);

    const { samples, text } = await scrape();
    const deliveries = (outcome: string, reason: string) =>
      sampleValue(samples, 'activator_deliveries_total', { ...connector, outcome, reason });

    expect(sampleValue(samples, 'activator_activations_enqueued_total', connector)).toBe(4);
    expect(deliveries('added', '')).toBe(3);
    expect(deliveries('error', 'other')).toBe(3);
    expect(deliveries('error', 'partner_error')).toBe(1);
    expect(sampleValue(samples, 'activator_retries_total', { ...connector, reason: 'other' })).toBe(
      3,
    );
    expect(sampleValue(samples, 'activator_activations_failed_total', connector)).toBe(1);
    expect(sampleValue(samples, 'activator_batch_size_sum', connector)).toBe(7);
    expect(sampleValue(samples, 'activator_batch_size_count', connector)).toBeGreaterThanOrEqual(3);
    expect(
      sampleValue(samples, 'activator_queue_wait_seconds_count', connector),
    ).toBeGreaterThanOrEqual(3);
    expect(sampleValue(samples, 'activator_batches_in_flight', connector)).toBe(0);
    expect(sampleValue(samples, 'activator_activations_in_flight', connector)).toBe(0);
    expect(sampleValue(samples, 'activator_queue_pending_activations', connector)).toBe(0);
    expect(
      sampleValue(samples, 'activator_connector_info', {
        ...connector,
        connector_type: 'meta-custom-audiences',
        status: 'active',
        health: 'ok',
      }),
    ).toBe(1);
    for (const status of ['2xx', '4xx', '5xx']) {
      const requests = sampleValue(samples, 'activator_partner_request_duration_seconds_count', {
        connector_type: 'meta-custom-audiences',
        status,
      });

      expect(requests, status).toBeGreaterThanOrEqual(1);
    }
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(TEST_TOKEN);
    expect(text).not.toContain('example.com');
    expect(text).not.toContain(audienceId);
  });

  it('shows a batch in flight while the partner is slow', async () => {
    const connectorId = await createConnector();
    await simulator.fault({ mode: 'delay', delayMs: 2_000, count: 1 });
    await service.engine.enqueue(['p1', 'p2'].map((id) => activation(connectorId, id)));

    await waitFor('a batch in flight', () => service.engine.inFlight(connectorId) === 1);
    const { samples } = await scrape();

    expect(sampleValue(samples, 'activator_batches_in_flight', { connector_id: connectorId })).toBe(
      1,
    );
    expect(
      sampleValue(samples, 'activator_activations_in_flight', { connector_id: connectorId }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'activator_queue_pending_activations', { connector_id: connectorId }),
    ).toBe(2);
  });

  it('counts deactivated waiting work as skipped', async () => {
    const connectorId = await createConnector();
    await simulator.fault({ mode: 'delay', delayMs: 2_000, count: 1 });
    await service.engine.enqueue([activation(connectorId, 'p1')]);
    await waitFor('a batch in flight', () => service.engine.inFlight(connectorId) === 1);
    await service.engine.enqueue([activation(connectorId, 'p2')]);

    const deactivated = await service.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${connectorId}/deactivate`,
      headers: service.auth,
    });
    expect(deactivated.statusCode).toBe(200);
    await waitFor('no batch in flight', () => service.engine.inFlight(connectorId) === 0);
    const { samples } = await scrape();
    const labels = { connector_id: connectorId };

    expect(
      sampleValue(samples, 'activator_deliveries_total', {
        ...labels,
        outcome: 'skipped',
        reason: 'deactivated',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'activator_connector_info', { ...labels, status: 'deactivated' }),
    ).toBe(1);
  });
});

describe('delivery logs', () => {
  it('logs batches at debug, failures at warn', async () => {
    const connectorId = await createConnector();
    await simulator.fault({ mode: 'status', status: 500, count: 1 });
    await service.engine.enqueue([activation(connectorId, 'p1')]);
    await waitFor('1 added', async () => (await totals(connectorId)).added === 1);
    await simulator.fault({ mode: 'partner_error', status: 400, code: 100, count: 1 });
    await service.engine.enqueue([activation(connectorId, 'p2')]);
    await waitFor('1 failed', async () => (await totals(connectorId)).failed === 1);

    const entries = logEntries();
    const recorded = entries.filter((entry) => entry.msg === 'batch recorded');
    const retry = entries.find((entry) => entry.msg === 'delivery attempt failed; retrying later');
    const final = entries.find(
      (entry) => entry.msg === 'delivery failed for good; no attempt is left',
    );

    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(recorded.every((entry) => entry.level === 20)).toBe(true);
    expect(retry).toMatchObject({
      level: 40,
      connectorId,
      destinationKey: audienceId,
      attempt: 1,
      category: 'other',
      httpStatus: 500,
      activations: 1,
    });
    expect(final).toMatchObject({
      level: 40,
      connectorId,
      destinationKey: audienceId,
      attempt: 1,
      category: 'partner_error',
      partnerCode: '100',
      activations: 1,
    });
  });
});
