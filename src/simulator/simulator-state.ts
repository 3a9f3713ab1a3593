import { AudienceMembers } from './audience-members.js';
import { FaultSchedule } from './fault-schedule.js';
import { RequestLog } from './request-log.js';
import type { SimulatorPartner } from './simulator-partners.js';

/** States a partner access token can be put in through `POST /_control/tokens`. */
export const TOKEN_STATES = ['valid', 'expired', 'missing_permission'] as const;

export type TokenState = (typeof TOKEN_STATES)[number];

/** An audience (list, segment) held at a simulated partner. */
export interface PartnerAudience {
  id: string;
  partner: SimulatorPartner;
  name: string;
  description?: string;
  /** Ad account the audience was created in, when it was created through the partner API. */
  adAccountId?: string;
  /** Meta `customer_file_source` given at creation. */
  customerFileSource?: string;
  members: AudienceMembers;
}

export type NewPartnerAudience = Omit<PartnerAudience, 'members'>;

/** All in-memory state of one simulator: audiences, request log, faults and token states. */
export class SimulatorState {
  readonly requests = new RequestLog();
  readonly faults = new FaultSchedule();
  readonly #audiences = new Map<string, PartnerAudience>();
  readonly #tokenStates = new Map<string, TokenState>();

  /** Creates an empty audience. Returns undefined when the id is already taken. */
  createAudience(fields: NewPartnerAudience): PartnerAudience | undefined {
    if (this.#audiences.has(fields.id)) return undefined;

    const audience: PartnerAudience = { ...fields, members: new AudienceMembers() };
    this.#audiences.set(audience.id, audience);

    return audience;
  }

  hasAudience(id: string): boolean {
    return this.#audiences.has(id);
  }

  /** Returns the audience with this id, of any partner. */
  getAudience(id: string): PartnerAudience | undefined {
    return this.#audiences.get(id);
  }

  /** Returns the audience only if it belongs to `partner`, as that partner's API would see it. */
  findPartnerAudience(partner: SimulatorPartner, id: string): PartnerAudience | undefined {
    const audience = this.#audiences.get(id);

    return audience?.partner === partner ? audience : undefined;
  }

  setTokenState(partner: SimulatorPartner, token: string, state: TokenState): void {
    const key = tokenKey(partner, token);
    if (state === 'valid') this.#tokenStates.delete(key);
    else this.#tokenStates.set(key, state);
  }

  /** Returns the token's state. A token that was never marked is valid. */
  getTokenState(partner: SimulatorPartner, token: string): TokenState {
    return this.#tokenStates.get(tokenKey(partner, token)) ?? 'valid';
  }

  /** Clears audiences, recorded requests, faults and token states. */
  reset(): void {
    this.#audiences.clear();
    this.#tokenStates.clear();
    this.requests.clear();
    this.faults.clear();
  }
}

function tokenKey(partner: SimulatorPartner, token: string): string {
  return JSON.stringify([partner, token]);
}
