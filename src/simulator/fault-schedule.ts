import type { SimulatorPartner } from './simulator-partners.js';

/** Ways a fault can respond to a partner request. */
export const FAULT_MODES = [
  'delay',
  'status',
  'partner_error',
  'reset',
  'html',
  'expired_token',
  'missing_permission',
  'reject_marked',
  'invalid_marked',
] as const;

/** Modes that apply only to audience uploads whose data contains the fault's `value`. */
export const MARKED_VALUE_FAULT_MODES: ReadonlySet<FaultMode> = new Set([
  'reject_marked',
  'invalid_marked',
]);

export type FaultMode = (typeof FAULT_MODES)[number];

/** A fault as `POST /_control/faults` receives it. */
export interface FaultSettings {
  /** Partner whose requests the fault applies to. Without one, it applies to every partner. */
  partner?: SimulatorPartner;
  mode: FaultMode;
  delayMs?: number;
  status?: number;
  code?: number;
  subcode?: number;
  /** Error message for `partner_error` and for `status` with a code. */
  message?: string;
  /** `Retry-After` header value in seconds for `status` and `partner_error`. */
  retryAfterSeconds?: number;
  /** Cell value that marks the upload rows a `reject_marked` or `invalid_marked` fault targets. */
  value?: string;
  /** Number of requests the fault applies to. */
  count?: number;
  /** Time in seconds the fault stays active. */
  seconds?: number;
}

/** A scheduled fault, with the requests and time it has left. */
export interface ActiveFault extends FaultSettings {
  id: string;
  /** Number of requests the fault still applies to, when it was given a `count`. */
  remainingCount?: number;
  /** ISO 8601 time when the fault ends, when it was given `seconds`. */
  expiresAt?: string;
}

interface ScheduledFault {
  id: string;
  settings: FaultSettings;
  remainingCount: number | undefined;
  expiresAtMs: number | undefined;
}

/**
 * Faults waiting to be applied, oldest first. Each partner request takes the oldest active fault
 * that matches its partner and the request, so faults added one after another apply to requests
 * in that order. A fault without `count` and `seconds` stays active until the faults are cleared.
 */
export class FaultSchedule {
  #faults: ScheduledFault[] = [];
  #nextId = 1;

  add(settings: FaultSettings, nowMs = Date.now()): ActiveFault {
    const fault: ScheduledFault = {
      id: String(this.#nextId++),
      settings: { ...settings },
      remainingCount: settings.count,
      expiresAtMs: settings.seconds === undefined ? undefined : nowMs + settings.seconds * 1000,
    };
    this.#faults.push(fault);

    return describeFault(fault);
  }

  /**
   * Returns the fault for one request of `partner` and uses up one of its `count`. A fault for
   * which `matchesRequest` returns false is passed over and keeps its `count`.
   */
  take(
    partner: SimulatorPartner,
    matchesRequest: (fault: FaultSettings) => boolean = () => true,
    nowMs = Date.now(),
  ): ActiveFault | undefined {
    this.#dropExpired(nowMs);
    const fault = this.#faults.find(
      (candidate) => appliesTo(candidate, partner) && matchesRequest(candidate.settings),
    );
    if (!fault) return undefined;

    if (fault.remainingCount !== undefined) {
      fault.remainingCount -= 1;
      if (fault.remainingCount <= 0) this.#faults = this.#faults.filter((kept) => kept !== fault);
    }

    return describeFault(fault);
  }

  list(nowMs = Date.now()): ActiveFault[] {
    this.#dropExpired(nowMs);

    return this.#faults.map(describeFault);
  }

  clear(): void {
    this.#faults = [];
  }

  #dropExpired(nowMs: number): void {
    this.#faults = this.#faults.filter(
      (fault) => fault.expiresAtMs === undefined || fault.expiresAtMs > nowMs,
    );
  }
}

function appliesTo(fault: ScheduledFault, partner: SimulatorPartner): boolean {
  return fault.settings.partner === undefined || fault.settings.partner === partner;
}

function describeFault(fault: ScheduledFault): ActiveFault {
  const described: ActiveFault = { id: fault.id, ...fault.settings };
  if (fault.remainingCount !== undefined) described.remainingCount = fault.remainingCount;
  if (fault.expiresAtMs !== undefined) {
    described.expiresAt = new Date(fault.expiresAtMs).toISOString();
  }

  return described;
}
