import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultFigures } from './fault-figures.js';
import { FaultHarness, type FaultPartner, PARTNERS } from './fault-harness.js';
import {
  expectEveryProfileAccounted,
  expectHealthyPartnersFinishFirst,
  LONG_TESTS,
  recordFigure,
  scheduleFault,
  scheduleTimedFault,
} from './fault-scenarios.js';
import { type FaultSimulator, startFaultSimulator } from './fault-simulator.js';
import { type DeliveryRequest, failedAtPartner } from './partner-deliveries.js';

// Three connectors of different types deliver the same profiles while one or all of their
// partners misbehave. A multiple of 500, so Mailchimp and webhook requests are all full.
const PROFILES = LONG_TESTS ? 5_000 : 1_000;
const OUTAGE_SECONDS = LONG_TESTS ? 30 : 3;
// The 429 scenarios time single retries, which do not need a bigger volume.
const THROTTLED_PROFILES = 1_000;
const TEST_TIMEOUT_MS = LONG_TESTS ? 120_000 : 30_000;

let simulator: FaultSimulator;
let harness: FaultHarness | undefined;
const figures = new FaultFigures();

beforeAll(async () => {
  simulator = await startFaultSimulator();
});

afterAll(async () => {
  figures.print(`Transient faults, ${PROFILES} profiles, ${OUTAGE_SECONDS} s outages`);
  await simulator.close();
});

beforeEach(async () => {
  await simulator.reset();
});

afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function startHarness(options?: Parameters<typeof FaultHarness.start>[1]) {
  harness = await FaultHarness.start(simulator, options);

  return harness;
}

/** Waits for every partner and returns when each one had all profiles, in ms since the epoch. */
async function waitForEveryPartner(
  started: FaultHarness,
  profiles: number,
): Promise<Record<FaultPartner, number>> {
  const deliveredAt = {} as Record<FaultPartner, number>;
  await Promise.all(
    PARTNERS.map(async (partner) => {
      deliveredAt[partner] = await started.waitUntilDelivered(partner, profiles, TEST_TIMEOUT_MS);
    }),
  );

  return deliveredAt;
}

describe('delivery under partner faults', () => {
  it(
    'delivers everything without faults',
    async () => {
      const started = await startHarness();
      const loadedAt = Date.now();
      await started.loadProfiles(PROFILES);

      const deliveredAt = await waitForEveryPartner(started, PROFILES);
      for (const partner of PARTNERS) {
        const account = await started.account(partner);
        expectEveryProfileAccounted(partner, account, PROFILES);
        expect(account.errorAttempts, `${partner} failed attempts`).toBe(0);
        recordFigure(figures, 'no fault', partner, account, {
          from: 'loading',
          startedAt: loadedAt,
          deliveredAt: deliveredAt[partner],
        });
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rides out a latency spike',
    async () => {
      const started = await startHarness();
      const loadedAt = Date.now();
      const spikeEndsAt = await scheduleTimedFault(simulator.url, 'webhook', OUTAGE_SECONDS, {
        mode: 'delay',
        delayMs: 800,
      });
      await started.loadProfiles(PROFILES);

      await expectHealthyPartnersFinishFirst(started, 'webhook', PROFILES, spikeEndsAt);
      const deliveredAt = await started.waitUntilDelivered('webhook', PROFILES, TEST_TIMEOUT_MS);
      for (const partner of PARTNERS) {
        const account = await started.account(partner);
        expectEveryProfileAccounted(partner, account, PROFILES);
        expect(account.errorAttempts, `${partner} failed attempts`).toBe(0);
      }
      const webhook = await started.account('webhook');
      const delayed = webhook.requests.filter((request) => request.fault === 'delay');

      expect(delayed.length).toBeGreaterThan(0);
      recordFigure(figures, 'latency spike of 800 ms', 'webhook', webhook, {
        from: 'loading',
        startedAt: loadedAt,
        deliveredAt,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts timeouts, then recovers',
    async () => {
      const started = await startHarness({ settings: { meta: { timeoutMs: 500 } } });
      const slowEndsAt = await scheduleTimedFault(simulator.url, 'meta', OUTAGE_SECONDS, {
        mode: 'delay',
        delayMs: 1_500,
      });
      await started.loadProfiles(PROFILES);

      await expectHealthyPartnersFinishFirst(started, 'meta', PROFILES, slowEndsAt);
      const deliveredAt = await started.waitUntilDelivered('meta', PROFILES, TEST_TIMEOUT_MS);
      const meta = await started.account('meta');
      // A delayed request outlives the 500 ms timeout, so Activator counts it as a timeout,
      // while the simulator still applies it when the delay ends.
      const timedOut = (request: DeliveryRequest) =>
        request.fault === 'delay' || failedAtPartner(request);
      expectEveryProfileAccounted('meta', meta, PROFILES, timedOut);

      expect(meta.totals.errors.timeout).toBe(meta.errorAttempts);
      expect(meta.totals.errors.timeout).toBeGreaterThan(0);
      recordFigure(figures, 'timeouts: 1.5 s delay, 500 ms timeout', 'meta', meta, {
        from: 'fault end',
        startedAt: slowEndsAt,
        deliveredAt,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'retries connection resets',
    async () => {
      const started = await startHarness();
      const resetsEndAt = await scheduleTimedFault(simulator.url, 'mailchimp', OUTAGE_SECONDS, {
        mode: 'reset',
      });
      await started.loadProfiles(PROFILES);

      await expectHealthyPartnersFinishFirst(started, 'mailchimp', PROFILES, resetsEndAt);
      const deliveredAt = await started.waitUntilDelivered('mailchimp', PROFILES, TEST_TIMEOUT_MS);
      const mailchimp = await started.account('mailchimp');
      expectEveryProfileAccounted('mailchimp', mailchimp, PROFILES);

      expect(mailchimp.totals.errors.other).toBe(mailchimp.errorAttempts);
      expect(mailchimp.errorAttempts).toBeGreaterThan(0);
      recordFigure(figures, 'connection resets', 'mailchimp', mailchimp, {
        from: 'fault end',
        startedAt: resetsEndAt,
        deliveredAt,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'recovers from a 5xx storm',
    async () => {
      const started = await startHarness();
      const stormFaults: Record<FaultPartner, Record<string, unknown>> = {
        meta: { mode: 'status', status: 503 },
        webhook: { mode: 'html' },
        mailchimp: { mode: 'status', status: 500 },
      };
      let stormEndsAt = 0;
      for (const partner of PARTNERS) {
        stormEndsAt = await scheduleTimedFault(
          simulator.url,
          partner,
          OUTAGE_SECONDS,
          stormFaults[partner],
        );
      }
      const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
      eventLoopDelay.enable();
      await started.loadProfiles(PROFILES);
      const circuitOpened = new Set<FaultPartner>();
      while (Date.now() < stormEndsAt) {
        for (const partner of PARTNERS) {
          if ((await started.health(partner)) === 'circuit_open') circuitOpened.add(partner);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const deliveredAt = await waitForEveryPartner(started, PROFILES);
      eventLoopDelay.disable();
      for (const partner of PARTNERS) {
        const account = await started.account(partner);
        expectEveryProfileAccounted(partner, account, PROFILES);

        expect(account.totals.errors.other, `${partner} other errors`).toBe(account.errorAttempts);
        expect(account.errorAttempts, `${partner} failed attempts`).toBeGreaterThan(0);
        // Five failed requests in a row open a connector's circuit, which then lets one probe
        // through a second. Up to 4 concurrent batches can fail before it opens, and a webhook
        // batch goes out in requests of 500.
        const requestsPerBatch =
          partner === 'webhook' ? Math.ceil(Math.min(PROFILES, 10_000) / 500) : 1;
        const batchAttemptsBound = 5 + 4 + OUTAGE_SECONDS + 1;
        const stormRequests = account.requests.filter((request) => request.fault !== undefined);

        expect(stormRequests.length, `${partner} requests during the storm`).toBeLessThanOrEqual(
          batchAttemptsBound * requestsPerBatch,
        );
        recordFigure(figures, '5xx storm', partner, account, {
          from: 'fault end',
          startedAt: stormEndsAt,
          deliveredAt: deliveredAt[partner],
        });
      }
      figures.note(
        `5xx storm: circuits seen open: ${[...circuitOpened].join(', ') || 'none'}; longest ` +
          `event-loop stall ${Math.round(eventLoopDelay.max / 1e6)} ms`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'honours Retry-After on a 429',
    async () => {
      const started = await startHarness();
      await scheduleFault(simulator.url, {
        partner: 'webhook',
        mode: 'status',
        status: 429,
        retryAfterSeconds: 2,
        count: 1,
      });
      await started.loadProfiles(THROTTLED_PROFILES);

      const deliveredAt = await waitForEveryPartner(started, THROTTLED_PROFILES);
      const webhook = await started.account('webhook');
      const [throttled, ...later] = webhook.requests;
      const retry = later.find((request) => request.firstRow === throttled?.firstRow);
      expectEveryProfileAccounted('webhook', webhook, THROTTLED_PROFILES);

      expect(throttled?.status).toBe(429);
      expect(retry?.status).toBe(200);
      // Arrival times at the simulator, which sent the 429 as soon as the request arrived.
      expect(retry!.at - throttled!.at).toBeGreaterThanOrEqual(1_950);
      recordFigure(figures, '429 with Retry-After: 2', 'webhook', webhook, {
        from: 'fault end',
        startedAt: throttled!.at,
        deliveredAt: deliveredAt.webhook,
        firstSuccessAt: retry!.at,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'backs off on a bare 429',
    async () => {
      const started = await startHarness();
      const throttledRequests = 3;
      await scheduleFault(simulator.url, {
        partner: 'meta',
        mode: 'status',
        status: 429,
        count: throttledRequests,
      });
      await started.loadProfiles(THROTTLED_PROFILES);

      const deliveredAt = await waitForEveryPartner(started, THROTTLED_PROFILES);
      const meta = await started.account('meta');
      const throttled = meta.requests.filter((request) => request.status === 429);
      expectEveryProfileAccounted('meta', meta, THROTTLED_PROFILES);

      expect(throttled).toHaveLength(throttledRequests);
      expect(meta.totals.errors.other).toBe(meta.errorAttempts);
      // Each profile draws its own jittered delay, so a retried batch may go out in parts. No
      // profile has failed more than 3 times, so no delay exceeds 100 ms * 2^2. The 600 ms of
      // slack covers the linger, the poll interval and recording the batch on a loaded machine.
      for (let index = 1; index < meta.requests.length; index += 1) {
        const gapMs = meta.requests[index]!.at - meta.requests[index - 1]!.at;
        expect(gapMs, `wait before Meta request ${index + 1}`).toBeLessThan(400 + 600);
      }
      recordFigure(figures, '429 without Retry-After, 3 in a row', 'meta', meta, {
        from: 'fault end',
        startedAt: throttled.at(-1)!.at,
        deliveredAt: deliveredAt.meta,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
