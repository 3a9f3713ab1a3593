import type { ErrorCategory, ProfileOutcome } from '../connectors/connector-type.js';
import type { Settlement } from './queue/activation-queue.js';

type ErrorOutcome = Extract<ProfileOutcome, { status: 'error' }>;

/**
 * Failed activations of one attempt that share a cause and what happens next. Logs and
 * metrics report one group per batch instead of one line per profile.
 */
export interface FailureGroup {
  /**
   * Next step: `retry` schedules another attempt, `failed` leaves none, and `paused` waits for
   * new credentials.
   */
  next: 'retry' | 'failed' | 'paused';
  category: ErrorCategory;
  partnerCode?: string;
  httpStatus?: number;
  activations: number;
  /** Highest attempt number in the group, counting the first attempt as 1. */
  attempt: number;
}

/** Collects the failed activations of one batch into groups by cause and next step. */
export class FailureGroups {
  readonly #groups = new Map<string, FailureGroup>();

  add(outcome: ErrorOutcome, settlement: Settlement, attempt: number): void {
    const next = nextStep(settlement);
    const key = JSON.stringify([next, outcome.category, outcome.partnerCode, outcome.httpStatus]);
    const group = this.#groups.get(key);
    if (group) {
      group.activations += 1;
      group.attempt = Math.max(group.attempt, attempt);

      return;
    }
    this.#groups.set(key, {
      next,
      category: outcome.category,
      partnerCode: outcome.partnerCode,
      httpStatus: outcome.httpStatus,
      activations: 1,
      attempt,
    });
  }

  list(): FailureGroup[] {
    return [...this.#groups.values()];
  }
}

function nextStep(settlement: Settlement): FailureGroup['next'] {
  if (settlement.action === 'retry') return 'retry';
  if (settlement.action === 'release') return 'paused';

  return 'failed';
}
