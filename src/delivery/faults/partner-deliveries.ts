import type { FaultMode } from '../../simulator/fault-schedule.js';
import { MAX_RECORDED_REQUESTS } from '../../simulator/request-log.js';
import type { SimulatorPartner } from '../../simulator/simulator-partners.js';

/** A delivery request as the simulator's request log recorded it. */
export interface DeliveryRequest {
  /** Arrival time at the simulator, in ms since the epoch. */
  at: number;
  /** Number of profiles in the body: Meta rows, webhook profiles or Mailchimp members. */
  rows: number;
  /**
   * First row of the body as JSON: a webhook profile id, a Mailchimp address or a Meta row of
   * hashed identifiers. A retry of the same profiles starts with the same row.
   */
  firstRow: string;
  /** HTTP status of the response, or undefined when none was sent: a reset or a client timeout. */
  status?: number;
  fault?: FaultMode;
}

interface LoggedRequest {
  at: string;
  partner: SimulatorPartner;
  method: string;
  path: string;
  body?: unknown;
  bodyOmitted?: true;
  status?: number;
  fault?: FaultMode;
}

/** Partners whose delivery requests `readDeliveryRequests` can read. */
export type DeliveryPartner = 'meta' | 'webhook' | 'mailchimp';

/**
 * Reads the delivery requests (adds and removes, not credential checks or audience reads) that
 * the simulator received for `partner`, oldest first.
 *
 * NOTE: the simulator keeps the last 1,000 requests and drops the oldest bodies past 64 MB. A
 * run that reaches either limit throws here instead of undercounting.
 */
export async function readDeliveryRequests(
  simulatorUrl: string,
  partner: DeliveryPartner,
): Promise<DeliveryRequest[]> {
  const response = await fetch(`${simulatorUrl}/_control/requests`);
  if (!response.ok) {
    throw new Error(`reading the simulator request log failed: HTTP ${response.status}`);
  }
  const { items } = (await response.json()) as { items: LoggedRequest[] };
  if (items.length >= MAX_RECORDED_REQUESTS) {
    throw new Error(
      `the simulator request log reached its limit of ${MAX_RECORDED_REQUESTS} requests and ` +
        'may have dropped the oldest. Send fewer requests so that every row can be counted.',
    );
  }
  const deliveries: DeliveryRequest[] = [];
  for (const request of items) {
    if (request.partner !== partner) continue;
    const rows = deliveryRows(request);
    if (rows === undefined) continue;
    if (request.bodyOmitted) {
      throw new Error(
        `the simulator dropped the body of ${request.method} ${request.path}. ` +
          'Send fewer or smaller requests so that every row can be counted.',
      );
    }
    deliveries.push({
      at: Date.parse(request.at),
      rows: rows.length,
      firstRow: JSON.stringify(rows[0] ?? null),
      status: request.status,
      fault: request.fault,
    });
  }

  return deliveries;
}

/** Returns the rows of a delivery request, or undefined for any other request. */
function deliveryRows(request: LoggedRequest): unknown[] | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  switch (request.partner) {
    case 'meta': {
      if (!request.path.endsWith('/users')) return undefined;
      const payload = body?.payload as { data?: unknown[] } | undefined;

      return payload?.data ?? [];
    }
    case 'webhook': {
      if (body?.operation !== 'add' && body?.operation !== 'remove') return undefined;
      const profiles = (body.profiles ?? []) as { id?: unknown }[];

      return profiles.map((profile) => profile.id);
    }
    case 'mailchimp': {
      if (request.method !== 'POST' || !request.path.startsWith('/mailchimp/3.0/lists/')) {
        return undefined;
      }
      const members = (body?.members ?? []) as { email_address?: unknown }[];

      return members.map((member) => member.email_address);
    }
    default:
      return undefined;
  }
}

/** Returns whether the partner failed the request: an error status, or no response at all. */
export function failedAtPartner(request: DeliveryRequest): boolean {
  return request.status === undefined || request.status >= 400;
}

/** Sums the rows of the requests. */
export function sumRows(requests: readonly DeliveryRequest[]): number {
  return requests.reduce((total, request) => total + request.rows, 0);
}
