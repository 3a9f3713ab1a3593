import type { ErrorCategory } from '../connectors/connector-type.js';

/** Reasons an activation was never sent. */
export type SkipReason = 'no_identifier' | 'invalid_identifier' | 'deactivated' | 'no_consent';

/**
 * Counter names in the statistics tables: `added`, `removed`, `failed`,
 * `error.<category>` for errors without a partner code, `partner.<code>` for partner errors,
 * and `skipped.<reason>`.
 */
export type MetricName = string;

export const metricNames = {
  added: 'added',
  removed: 'removed',
  failed: 'failed',
  error: (category: Exclude<ErrorCategory, 'partner_error'>) => `error.${category}`,
  partner: (code: string) => `partner.${code}`,
  skipped: (reason: SkipReason) => `skipped.${reason}`,
} as const;

/** Counts gathered for one connector from one batch, written in one transaction. */
export class DeliveryCounts {
  readonly #counts = new Map<MetricName, number>();

  add(metric: MetricName, count = 1): this {
    if (count > 0) this.#counts.set(metric, (this.#counts.get(metric) ?? 0) + count);

    return this;
  }

  get(metric: MetricName): number {
    return this.#counts.get(metric) ?? 0;
  }

  entries(): [MetricName, number][] {
    return [...this.#counts.entries()];
  }

  get isEmpty(): boolean {
    return this.#counts.size === 0;
  }
}
