import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/simulator-client.js';
import { FaultFigures } from './fault-figures.js';
import { FaultHarness, PARTNERS } from './fault-harness.js';
import { expectEveryProfileAccounted, LONG_TESTS } from './fault-scenarios.js';
import { type FaultSimulator, startFaultSimulator } from './fault-simulator.js';
import { type SilentPartner, startSilentPartner } from './silent-partner.js';

// The webhook connector sends 500 profiles a request, so 1,000 profiles are two requests per
// attempt, and a short timeout keeps each attempt under a second.
const PROFILES = LONG_TESTS ? 5_000 : 1_000;
const PROFILES_PER_REQUEST = 500;
const TIMEOUT_MS = 300;
const TEST_TIMEOUT_MS = LONG_TESTS ? 120_000 : 30_000;

let simulator: FaultSimulator;
let silent: SilentPartner;
let harness: FaultHarness | undefined;
const figures = new FaultFigures();

beforeAll(async () => {
  simulator = await startFaultSimulator();
});

afterAll(async () => {
  figures.print(`Silent partner, ${PROFILES} profiles`);
  await simulator.close();
});

beforeEach(async () => {
  await simulator.reset();
  silent = await startSilentPartner();
});

afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  await silent.close();
});

async function startHarness(options: Parameters<typeof FaultHarness.start>[1]) {
  harness = await FaultHarness.start(simulator, options);

  return harness;
}

describe('a partner that accepts connections and never responds', () => {
  it(
    'keeps others moving, then recovers',
    async () => {
      const started = await startHarness({
        settings: { webhook: { baseUrl: `${silent.url}/hooks/crm`, timeoutMs: TIMEOUT_MS } },
      });
      await started.loadProfiles(PROFILES);

      await started.waitUntilDelivered('meta', PROFILES);
      await started.waitUntilDelivered('mailchimp', PROFILES);

      expect((await started.totals('webhook')).added).toBe(0);
      // The webhook's first request may still be lingering when the others finish.
      await waitFor('4 requests at the silent partner', () => silent.requests() >= 4);
      const movedAt = Date.now();
      await started.patchConnector('webhook', {
        settings: { baseUrl: `${simulator.url}/webhook/hooks/fault-suite` },
      });
      const deliveredAt = await started.waitUntilDelivered('webhook', PROFILES, TEST_TIMEOUT_MS);
      const webhook = await started.account('webhook');

      // Every request to the silent partner timed out with at least one profile in it. Retries
      // wait jittered times, so a request may carry fewer than 500 profiles. Under load a timeout
      // can also fire before the request is written.
      expect(webhook.totals.errors.timeout).toBeGreaterThanOrEqual(silent.requests());
      expect(webhook.errorAttempts).toBe(webhook.totals.errors.timeout);
      expect(webhook.rowsSent).toBe(PROFILES);
      expect(webhook.memberCount).toBe(PROFILES);
      expect(webhook.totals.pendingRetry).toBe(0);
      for (const partner of PARTNERS) {
        if (partner === 'webhook') continue;
        expectEveryProfileAccounted(partner, await started.account(partner), PROFILES);
      }
      figures.record({
        scenario: `silent partner, ${TIMEOUT_MS} ms timeout, then a working endpoint`,
        partner: 'webhook',
        from: 'fault end',
        faultedRequests: silent.requests(),
        failedAttempts: webhook.errorAttempts,
        firstSuccessMs: webhook.requests[0]!.at - movedAt,
        allDeliveredMs: deliveredAt - movedAt,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails everything once attempts run out',
    async () => {
      const maxAttempts = 2;
      const started = await startHarness({
        settings: {
          webhook: { baseUrl: `${silent.url}/hooks/crm`, timeoutMs: TIMEOUT_MS, maxAttempts },
        },
      });
      await started.loadProfiles(PROFILES);

      await waitFor(
        'every webhook activation to fail for good',
        async () => (await started.totals('webhook')).failed === PROFILES,
        TEST_TIMEOUT_MS,
      );
      const webhook = await started.account('webhook');

      expect(webhook.totals.added).toBe(0);
      expect(webhook.totals.errors.timeout).toBe(maxAttempts * PROFILES);
      expect(webhook.totals.pendingRetry).toBe(0);
      expect(webhook.requests).toHaveLength(0);
      // Full batches need half this many requests. The linger may split a batch once on a busy
      // machine, so twice as many is the bound that does not depend on timing.
      expect(silent.requests()).toBeLessThanOrEqual(
        (2 * maxAttempts * PROFILES) / PROFILES_PER_REQUEST,
      );
      for (const partner of PARTNERS) {
        if (partner === 'webhook') continue;
        await started.waitUntilDelivered(partner, PROFILES);
        expectEveryProfileAccounted(partner, await started.account(partner), PROFILES);
      }
      figures.record({
        scenario: `silent partner, ${maxAttempts} attempts`,
        partner: 'webhook',
        from: 'fault end',
        faultedRequests: silent.requests(),
        failedAttempts: webhook.errorAttempts,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gives up after the default 3 s',
    async () => {
      // Meta reads the custom audience when the audience is connected, so the connector starts
      // on the simulator and moves to the silent partner afterwards.
      const started = await startHarness({ settings: { meta: { maxAttempts: 1 } } });
      await started.patchConnector('meta', { settings: { baseUrl: silent.url } });
      await started.loadProfiles(PROFILES);

      await waitFor(
        'the Meta batch to fail for good',
        async () => (await started.totals('meta')).failed === PROFILES,
        TEST_TIMEOUT_MS,
      );
      await waitFor('the silent partner to see the connection close', () => {
        return silent.requestDurationsMs().length === 1;
      });
      const [durationMs] = silent.requestDurationsMs();

      expect(silent.requests()).toBe(1);
      expect((await started.totals('meta')).errors.timeout).toBe(PROFILES);
      // The timeout clock starts before the connection opens, and a busy event loop closes
      // the connection late, so the window around 3,000 ms is wide.
      expect(durationMs).toBeGreaterThanOrEqual(2_500);
      expect(durationMs).toBeLessThan(3_600);
      figures.note(
        `Meta with the default timeout closed a silent request after ${Math.round(durationMs!)} ms`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
