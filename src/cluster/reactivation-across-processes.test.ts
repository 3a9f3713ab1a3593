import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ScaleOut,
  type ScaleOutProcess,
  startScaleOut,
} from '../test-support/scale-out-processes.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';

// Profiles join an audience while its connector is deactivated. Activating the connector through
// the API process queues them again (the resync), and the worker must send them.
const PROFILES = 500;

let simulator: TestSimulator;
let deployment: ScaleOut;
let api: ScaleOutProcess;

beforeAll(async () => {
  simulator = await startTestSimulator();
  deployment = await startScaleOut();
  api = await deployment.startApi();
  await deployment.startWorker();
});

afterAll(async () => {
  await deployment.dispose();
  await simulator.close();
});

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await api.service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: deployment.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);

  return response.json() as Record<string, unknown>;
}

interface Totals {
  added: number;
  skipped: { deactivated: number };
}

describe('activating a connector again through the API process', () => {
  it('sends the members that joined while it was deactivated', async () => {
    const connector = await call('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: 'Meta',
      settings: { adAccountId: '11', baseUrl: simulator.url },
      credentials: { accessToken: 'reactivation-token' },
    });
    const connectorId = String(connector.id);
    const partnerAudience = await simulator.createAudience('Reactivated');
    await call('POST', '/audiences', {
      name: 'Joined while off',
      rule: { attribute: 'segment', op: 'eq', value: 'late' },
      connections: [{ connectorId, settings: { customAudienceId: partnerAudience } }],
    });
    const totals = async () =>
      (await call('GET', `/connectors/${connectorId}/stats?days=7`)).totals as Totals;

    await call('POST', `/connectors/${connectorId}/deactivate`);
    await call('POST', '/profiles', {
      profiles: Array.from({ length: PROFILES }, (_, index) => ({
        id: `r${index}`,
        identifiers: { email: `r${index}@example.com` },
        attributes: { segment: 'late' },
      })),
    });
    await waitFor(
      'the worker to count the new members as deactivated skips',
      async () => (await totals()).skipped.deactivated === PROFILES,
      20_000,
    );

    await call('POST', `/connectors/${connectorId}/activate`);
    await waitFor(
      'the resync to settle',
      async () => {
        const current = await totals();

        return current.added + current.skipped.deactivated >= 2 * PROFILES;
      },
      20_000,
    );
    const final = await totals();
    const members = (await simulator.audienceCounts(partnerAudience)).memberCount;
    console.info(
      `reactivation: ${members} members at the partner, totals ${JSON.stringify(final)}`,
    );

    expect(final.skipped.deactivated).toBe(PROFILES);
    expect(final.added).toBe(PROFILES);
    expect(members).toBe(PROFILES);
  }, 60_000);
});
