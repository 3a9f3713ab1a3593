import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/simulator-client.js';
import { FaultFigures } from './fault-figures.js';
import {
  FaultHarness,
  MAILCHIMP_API_KEY,
  PARTNERS,
  RENEWED_MAILCHIMP_API_KEY,
} from './fault-harness.js';
import { expectEveryProfileAccounted, LONG_TESTS, recordFigure } from './fault-scenarios.js';
import { type FaultSimulator, startFaultSimulator } from './fault-simulator.js';

// Mailchimp takes 500 members a request. One request every 0.4 s gives time to expire the key
// after the first request and before the last.
const PROFILES = LONG_TESTS ? 10_000 : 2_000;
const MAILCHIMP_PACE = { maxRequestsPerSecond: 2.5, maxConcurrentRequests: 1 };
const TEST_TIMEOUT_MS = LONG_TESTS ? 120_000 : 30_000;

let simulator: FaultSimulator;
let harness: FaultHarness | undefined;
const figures = new FaultFigures();

beforeAll(async () => {
  simulator = await startFaultSimulator();
});

afterAll(async () => {
  figures.print(`Credential expiry, ${PROFILES} profiles`);
  await simulator.close();
});

beforeEach(async () => {
  await simulator.reset();
});

afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function markKeyExpired(apiKey: string) {
  const response = await fetch(`${simulator.url}/_control/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ partner: 'mailchimp', token: apiKey, state: 'expired' }),
  });
  expect(response.status).toBe(200);
}

describe('credentials that expire mid-drain', () => {
  it(
    'pauses, then resumes with a new key',
    async () => {
      const started = await FaultHarness.start(simulator, {
        settings: { mailchimp: MAILCHIMP_PACE },
      });
      harness = started;
      await started.loadProfiles(PROFILES);
      await waitFor('Mailchimp to hold the first request', async () => {
        return (await started.memberCount('mailchimp')) >= 500;
      });

      await markKeyExpired(MAILCHIMP_API_KEY);
      await waitFor('the Mailchimp connector to pause', async () => {
        return (await started.health('mailchimp')) === 'credentials_invalid';
      });
      for (const partner of PARTNERS) {
        if (partner !== 'mailchimp') await started.waitUntilDelivered(partner, PROFILES);
      }
      const pausedMembers = await started.memberCount('mailchimp');
      const requestsWhilePaused = (await started.deliveryRequests('mailchimp')).length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const paused = await started.account('mailchimp');

      expect(pausedMembers).toBeLessThan(PROFILES);
      expect(paused.requests).toHaveLength(requestsWhilePaused);
      expect(paused.totals.failed).toBe(0);
      expect(paused.totals.errors.invalidCredentials).toBe(paused.rowsFailedAtPartner);
      expect(paused.totals.errors.invalidCredentials).toBeGreaterThan(0);

      const renewedAt = Date.now();
      await started.patchConnector('mailchimp', {
        credentials: { apiKey: RENEWED_MAILCHIMP_API_KEY },
      });
      const deliveredAt = await started.waitUntilDelivered('mailchimp', PROFILES, TEST_TIMEOUT_MS);
      const mailchimp = await started.account('mailchimp');

      expect(await started.health('mailchimp')).toBe('ok');
      for (const partner of PARTNERS) {
        expectEveryProfileAccounted(partner, await started.account(partner), PROFILES);
      }
      recordFigure(
        figures,
        'API key expired mid-drain, then a new key',
        'mailchimp',
        mailchimp,
        { from: 'fault end', startedAt: renewedAt, deliveredAt },
        (request) => request.status === 401,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
