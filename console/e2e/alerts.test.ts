import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorAlert } from '../src/api/types.js';
import { type ConsoleHarness, signIn, startConsoleHarness } from './support/console-harness.js';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness({ tuning: { alertCheckMs: 50 } });
});

afterAll(async () => {
  await harness?.close();
});

describe('connector alerts', () => {
  it('banner lists an open alert', async () => {
    const { api, page, service, simulator } = harness;
    const connector = await api<Connector>('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta alerts',
      settings: { adAccountId: '1234567890', baseUrl: simulator.url },
      credentials: { accessToken: 'alerts-console-token' },
    });
    const customAudienceId = await simulator.createAudience('Alerts audience');
    await simulator.fault({ mode: 'expired_token', count: 1 });
    await service.engine.enqueue([
      {
        connectorId: connector.id,
        destination: { customAudienceId },
        destinationKey: customAudienceId,
        profileId: 'alert-1',
        operation: 'add',
        profile: { identifiers: { email: ['alert-1@example.com'] } },
      },
    ]);
    await expect
      .poll(async () => (await api<{ items: ConnectorAlert[] }>('GET', '/alerts')).items.length)
      .toBe(1);

    await signIn(page);
    await page.goto(`/connectors/${connector.id}`);
    const banner = page.getByRole('alert', { name: 'Open alert', exact: true });
    await banner.waitFor();

    expect(await banner.locator('[data-alert-kind="credentials_invalid"]').count()).toBe(1);
    expect(await banner.getByText('The partner rejects the credentials').count()).toBe(1);
  });
});
