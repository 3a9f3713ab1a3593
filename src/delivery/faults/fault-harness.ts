import type { DeliveryTuning } from '../../app/service.js';
import { WEBHOOK_SIMULATOR_SIGNING_SECRET } from '../../simulator/webhook/webhook-routes.js';
import { waitFor } from '../../test-support/simulator-client.js';
import { startTestService, type TestService } from '../../test-support/test-service.js';
import type { FaultSimulator } from './fault-simulator.js';
import {
  type DeliveryPartner,
  type DeliveryRequest,
  failedAtPartner,
  readDeliveryRequests,
  sumRows,
} from './partner-deliveries.js';

/** The three connector types every fault scenario runs at once. */
export const PARTNERS = ['meta', 'webhook', 'mailchimp'] as const satisfies DeliveryPartner[];

export type FaultPartner = (typeof PARTNERS)[number];

/**
 * Backoff and circuit breaker of the production shape, scaled down so that one scenario takes
 * seconds: backoff bound 100 ms doubling up to 1 s (production: 1 s up to 5 min), and the
 * breaker opens after 5 failed requests in a row and probes after 1 s (production: 30 s).
 */
export const FAULT_TUNING: DeliveryTuning = {
  lingerMs: 20,
  pollIntervalMs: 10,
  retryPolicy: { baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterSeconds: 5 },
  circuitBreaker: { failureThreshold: 5, openMs: 1_000 },
};

/**
 * Attempts per activation in the scenarios. Enough that every profile outlasts the outages of
 * the suite, so each one is expected at the partner in the end.
 */
export const OUTLASTING_ATTEMPTS = 100;

/** A Mailchimp key of the form the simulator accepts: 32 hex digits and a data center. */
export const MAILCHIMP_API_KEY = '0123456789abcdef0123456789abcdef-us6';

/** A second valid key, for the credential change after the first one expires. */
export const RENEWED_MAILCHIMP_API_KEY = 'fedcba9876543210fedcba9876543210-us6';

const SEGMENT = 'fault-suite';

/** One connector of the harness and the simulator audience it fills. */
export interface ConnectedPartner {
  partner: FaultPartner;
  connectorId: string;
  audienceId: string;
}

/** Delivery totals of a connector over 7 days, as `GET /connectors/:id/stats?days=7` returns. */
export interface DeliveryTotals {
  added: number;
  removed: number;
  failed: number;
  errors: {
    other: number;
    invalidCredentials: number;
    timeout: number;
    partner: Record<string, number>;
  };
  pendingRetry: number;
}

/** Statistics of one connector next to the simulator's audience and request log. */
export interface PartnerAccount {
  /** Distinct members of the simulator audience. */
  memberCount: number;
  /** Rows of every delivery request the simulator received. */
  rowsSent: number;
  /** Rows of the delivery requests the simulator failed with an error status or a reset. */
  rowsFailedAtPartner: number;
  /** Delivery requests the simulator received. */
  requests: DeliveryRequest[];
  totals: DeliveryTotals;
  /** Failed attempts in the statistics, summed over every error category and partner code. */
  errorAttempts: number;
}

export interface FaultHarnessOptions {
  /** Settings merged over each connector's settings. */
  settings?: Partial<Record<FaultPartner, Record<string, unknown>>>;
  tuning?: DeliveryTuning;
}

/**
 * A service with a Meta, a webhook and a Mailchimp connector, all pointed at the simulator and
 * connected to one rule-based audience, so that every loaded profile goes to all three.
 */
export class FaultHarness {
  private constructor(
    readonly simulator: FaultSimulator,
    readonly service: TestService,
    readonly partners: Record<FaultPartner, ConnectedPartner>,
  ) {}

  /** Starts the service and creates the connectors, the simulator audiences and the audience. */
  static async start(
    simulator: FaultSimulator,
    options: FaultHarnessOptions = {},
  ): Promise<FaultHarness> {
    const service = await startTestService({}, { ...FAULT_TUNING, ...options.tuning });
    try {
      const partners = await connectPartners(simulator, service, options.settings ?? {});

      return new FaultHarness(simulator, service, partners);
    } catch (error) {
      await service.dispose();
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.service.dispose();
  }

  /** Stores `count` profiles in the harness segment, which enqueues them for every connector. */
  async loadProfiles(count: number, idPrefix = 'f'): Promise<void> {
    const chunkSize = 10_000;
    for (let start = 0; start < count; start += chunkSize) {
      const size = Math.min(chunkSize, count - start);
      const profiles = Array.from({ length: size }, (_, offset) => {
        const id = `${idPrefix}${start + offset}`;

        return {
          id,
          identifiers: { email: `${id}@example.com` },
          attributes: { segment: SEGMENT },
          consents: { advertising: 'granted', email: 'granted' },
        };
      });
      await callApi(this.service, 'POST', '/profiles', { profiles });
    }
  }

  async totals(partner: FaultPartner): Promise<DeliveryTotals> {
    const { connectorId } = this.partners[partner];
    const stats = await callApi(this.service, 'GET', `/connectors/${connectorId}/stats?days=7`);

    return {
      ...(stats.totals as Omit<DeliveryTotals, 'pendingRetry'>),
      pendingRetry: Number(stats.pendingRetry),
    };
  }

  async memberCount(partner: FaultPartner): Promise<number> {
    return (await this.simulator.audienceCounts(this.partners[partner].audienceId)).memberCount;
  }

  /** Checks that the statistics count `count` adds and the audience has `count` members. */
  async hasDelivered(partner: FaultPartner, count: number): Promise<boolean> {
    return (
      (await this.memberCount(partner)) === count && (await this.totals(partner)).added === count
    );
  }

  /** Waits until `partner` has all `count` profiles and returns the time it saw that, in ms. */
  async waitUntilDelivered(partner: FaultPartner, count: number, timeoutMs = 20_000) {
    await waitFor(
      `${partner} to hold and count ${count} profiles`,
      () => this.hasDelivered(partner, count),
      timeoutMs,
    );

    return Date.now();
  }

  /** Returns the connector's `health`: `ok`, `credentials_invalid` or `circuit_open`. */
  async health(partner: FaultPartner): Promise<string> {
    const { connectorId } = this.partners[partner];
    const connector = await callApi(this.service, 'GET', `/connectors/${connectorId}`);

    return String(connector.health);
  }

  async patchConnector(partner: FaultPartner, patch: Record<string, unknown>): Promise<void> {
    const { connectorId } = this.partners[partner];
    await callApi(this.service, 'PATCH', `/connectors/${connectorId}`, patch);
  }

  async deliveryRequests(partner: FaultPartner): Promise<DeliveryRequest[]> {
    return readDeliveryRequests(this.simulator.url, partner);
  }

  /** Reads the statistics, the audience and the request log of `partner` side by side. */
  async account(partner: FaultPartner): Promise<PartnerAccount> {
    const requests = await this.deliveryRequests(partner);
    const totals = await this.totals(partner);
    const partnerCodeAttempts = Object.values(totals.errors.partner).reduce(
      (total, attempts) => total + attempts,
      0,
    );

    return {
      memberCount: await this.memberCount(partner),
      rowsSent: sumRows(requests),
      rowsFailedAtPartner: sumRows(requests.filter(failedAtPartner)),
      requests,
      totals,
      errorAttempts:
        totals.errors.other +
        totals.errors.invalidCredentials +
        totals.errors.timeout +
        partnerCodeAttempts,
    };
  }
}

/** Sends one request to the service's API and returns the JSON body. Throws on a 3xx to 5xx. */
export async function callApi(
  service: TestService,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
): Promise<Record<string, unknown>> {
  const response = await service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: service.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) {
    throw new Error(`${method} ${url} failed: HTTP ${response.statusCode} ${response.body}`);
  }

  return response.json() as Record<string, unknown>;
}

/** Creates a simulator audience of `partner` with a chosen id, as webhook and Mailchimp need. */
async function createSimulatorAudience(simulator: FaultSimulator, partner: string, id: string) {
  const response = await fetch(`${simulator.url}/_control/audiences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ partner, id, name: `Fault suite ${partner}` }),
  });
  if (response.status !== 201) {
    throw new Error(`creating the ${partner} audience ${id} failed: ${await response.text()}`);
  }
}

async function connectPartners(
  simulator: FaultSimulator,
  service: TestService,
  settings: Partial<Record<FaultPartner, Record<string, unknown>>>,
): Promise<Record<FaultPartner, ConnectedPartner>> {
  const create = async (body: Record<string, unknown>) =>
    String((await callApi(service, 'POST', '/connectors', body)).id);

  const metaAudience = await simulator.createAudience('Fault suite meta');
  const meta = await create({
    type: 'meta-custom-audiences',
    name: 'Meta',
    settings: {
      adAccountId: '1001',
      baseUrl: simulator.url,
      maxAttempts: OUTLASTING_ATTEMPTS,
      ...settings.meta,
    },
    credentials: { accessToken: 'fault-suite-meta-token' },
  });

  const webhookAudience = 'fault-hook';
  await createSimulatorAudience(simulator, 'webhook', webhookAudience);
  const webhook = await create({
    type: 'webhook',
    name: 'CRM hook',
    settings: {
      baseUrl: `${simulator.url}/webhook/hooks/fault-suite`,
      maxAttempts: OUTLASTING_ATTEMPTS,
      ...settings.webhook,
    },
    credentials: { signingSecret: WEBHOOK_SIMULATOR_SIGNING_SECRET },
  });

  const mailchimpAudience = 'faultlist1';
  await createSimulatorAudience(simulator, 'mailchimp', mailchimpAudience);
  const mailchimp = await create({
    type: 'mailchimp',
    name: 'Newsletter',
    settings: {
      baseUrl: `${simulator.url}/mailchimp`,
      maxAttempts: OUTLASTING_ATTEMPTS,
      ...settings.mailchimp,
    },
    credentials: { apiKey: MAILCHIMP_API_KEY },
  });

  await callApi(service, 'POST', '/audiences', {
    name: 'Fault suite',
    rule: { attribute: 'segment', op: 'eq', value: SEGMENT },
    connections: [
      { connectorId: meta, settings: { customAudienceId: metaAudience } },
      { connectorId: webhook, settings: { audience: webhookAudience } },
      { connectorId: mailchimp, settings: { listId: mailchimpAudience } },
    ],
  });

  return {
    meta: { partner: 'meta', connectorId: meta, audienceId: metaAudience },
    webhook: { partner: 'webhook', connectorId: webhook, audienceId: webhookAudience },
    mailchimp: { partner: 'mailchimp', connectorId: mailchimp, audienceId: mailchimpAudience },
  };
}
