import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator } from '../simulator/simulator-server.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

type Simulator = ReturnType<typeof buildSimulator>;

let simulator: Simulator | undefined;
let service: TestService | undefined;

afterEach(async () => {
  await service?.dispose();
  await simulator?.close();
  service = undefined;
  simulator = undefined;
});

function openConnections(server: Simulator['server']): Promise<number> {
  return new Promise((resolve, reject) => {
    server.getConnections((error, count) => (error ? reject(error) : resolve(count)));
  });
}

describe('service close', () => {
  it('closes its partner connections', async () => {
    simulator = buildSimulator({});
    const url = await simulator.listen({ port: 0, host: '127.0.0.1' });
    // Through inject, so every socket open on the simulator belongs to the service.
    const created = await simulator.inject({
      method: 'POST',
      url: '/_control/audiences',
      payload: { partner: 'meta', name: 'close test' },
    });
    const audienceId = String(created.json<{ id: string }>().id);
    service = await startTestService();
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: service.auth,
      payload: {
        type: 'meta-custom-audiences',
        name: 'Close test',
        settings: { adAccountId: '1', baseUrl: url },
        credentials: { accessToken: 'close-test-token' },
      },
    });
    const connectorId = String(response.json<{ id: string }>().id);
    await service.engine.enqueue([
      {
        connectorId,
        destination: { customAudienceId: audienceId },
        destinationKey: audienceId,
        profileId: 'p1',
        operation: 'add',
        profile: { identifiers: { email: ['p1@example.com'] } },
      },
    ]);
    await expect.poll(() => service?.engine.pending(), { timeout: 10_000 }).toBe(0);
    // The partner client keeps the connection open for reuse after the upload.
    expect(await openConnections(simulator.server)).toBeGreaterThan(0);

    await service.dispose();
    service = undefined;

    // The client's idle timeout is 10 s, so a connection closed within 5 s was closed by close().
    await expect.poll(() => openConnections(simulator!.server), { timeout: 5_000 }).toBe(0);
  });

  it('closes a second time without error', async () => {
    service = await startTestService();
    await service.dispose();

    await expect(service.close()).resolves.toBeUndefined();
    service = undefined;
  });

  it('closes twice with an alert webhook', async () => {
    service = await startTestService({
      ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts',
      ALERT_WEBHOOK_SECRET: 'alert-webhook-secret-0123',
    });
    await service.dispose();

    await expect(service.close()).resolves.toBeUndefined();
    service = undefined;
  });
});
