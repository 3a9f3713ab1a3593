import { expect } from 'vitest';
import type { FaultFigures } from './fault-figures.js';
import {
  type FaultHarness,
  type FaultPartner,
  type PartnerAccount,
  PARTNERS,
} from './fault-harness.js';
import { type DeliveryRequest, failedAtPartner, sumRows } from './partner-deliveries.js';

/** Whether the longer variants run: bigger volumes and longer outages. */
export const LONG_TESTS = process.env.ACTIVATOR_LONG_TESTS === '1';

/** Sends one fault to the simulator as given. A fault without `partner` hits every partner. */
export async function scheduleFault(simulatorUrl: string, fault: Record<string, unknown>) {
  const response = await fetch(`${simulatorUrl}/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) {
    throw new Error(`scheduling fault ${JSON.stringify(fault)} failed: ${await response.text()}`);
  }
}

/**
 * Schedules `fault` on `partner` for `seconds` and returns the time it ends, in ms since the
 * epoch. The simulator starts the clock when it receives the fault, a little after this call
 * starts, so the returned end is at most a few ms early.
 */
export async function scheduleTimedFault(
  simulatorUrl: string,
  partner: FaultPartner,
  seconds: number,
  fault: Record<string, unknown>,
): Promise<number> {
  const startsAt = Date.now();
  await scheduleFault(simulatorUrl, { partner, seconds, ...fault });

  return startsAt + seconds * 1000;
}

/**
 * Waits until every partner but `faulty` has all `profiles`, then checks that this happened
 * before the fault ended and while `faulty` still lacked some of them.
 */
export async function expectHealthyPartnersFinishFirst(
  harness: FaultHarness,
  faulty: FaultPartner,
  profiles: number,
  faultEndsAt: number,
): Promise<void> {
  for (const partner of PARTNERS) {
    if (partner === faulty) continue;
    await harness.waitUntilDelivered(partner, profiles);
  }
  const healthyDoneAt = Date.now();
  const faultyAdded = (await harness.totals(faulty)).added;

  expect(healthyDoneAt, 'healthy partners finish before the fault ends').toBeLessThan(faultEndsAt);
  expect(faultyAdded, `${faulty} still lacks profiles while the others are done`).toBeLessThan(
    profiles,
  );
}

/**
 * Checks that every profile reached the partner and that the statistics count each row the
 * partner received once: as added, or as a failed attempt when the request failed.
 * `failedRequest` selects the failed requests: by default those with an error status or with no
 * response.
 */
export function expectEveryProfileAccounted(
  partner: FaultPartner,
  account: PartnerAccount,
  profiles: number,
  failedRequest: (request: DeliveryRequest) => boolean = failedAtPartner,
): void {
  const rowsFailed = sumRows(account.requests.filter(failedRequest));

  expect(account.memberCount, `${partner} audience members`).toBe(profiles);
  expect(account.totals.added, `${partner} added`).toBe(profiles);
  expect(account.totals.failed, `${partner} failed for good`).toBe(0);
  expect(account.totals.pendingRetry, `${partner} waiting for a retry`).toBe(0);
  expect(account.errorAttempts, `${partner} failed attempts against failed rows`).toBe(rowsFailed);
  expect(account.totals.added + account.errorAttempts, `${partner} rows sent`).toBe(
    account.rowsSent,
  );
}

/**
 * Records the figures of one partner in a scenario. Times count from `startedAt`: the end of the
 * fault, or when the profiles were loaded for a scenario without an outage.
 */
export function recordFigure(
  figures: FaultFigures,
  scenario: string,
  partner: FaultPartner,
  account: PartnerAccount,
  timing: {
    from: 'fault end' | 'loading';
    startedAt: number;
    deliveredAt: number;
    /** When the partner next accepted the profiles; by default its next successful request. */
    firstSuccessAt?: number;
  },
  faulted: (request: DeliveryRequest) => boolean = (request) => request.fault !== undefined,
): void {
  const firstSuccessAt =
    timing.firstSuccessAt ??
    account.requests.find(
      (request) => !failedAtPartner(request) && !faulted(request) && request.at >= timing.startedAt,
    )?.at;
  figures.record({
    scenario,
    partner,
    from: timing.from,
    faultedRequests: account.requests.filter(faulted).length,
    failedAttempts: account.errorAttempts,
    firstSuccessMs: firstSuccessAt === undefined ? undefined : firstSuccessAt - timing.startedAt,
    allDeliveredMs: timing.deliveredAt - timing.startedAt,
  });
}
