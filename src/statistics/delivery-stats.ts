import type { MetricName } from './delivery-counts.js';

/** Partner errors by partner error code, such as `"190"` or `"100/33"`. */
export type PartnerErrorCounts = Record<string, number>;

/** Counts of one time bucket (or of a whole window), keyed as the stats API returns them. */
export interface DeliveryStats {
  added: number;
  removed: number;
  errors: {
    other: number;
    invalidCredentials: number;
    timeout: number;
    partner: PartnerErrorCounts;
  };
  failed: number;
  skipped: {
    noIdentifier: number;
    invalidIdentifier: number;
    deactivated: number;
    noConsent: number;
  };
}

export interface DailyStats extends DeliveryStats {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
}

export interface HourlyStats extends DeliveryStats {
  /** Start of the UTC hour, `YYYY-MM-DDTHH:00:00Z`. */
  hour: string;
}

export function emptyDeliveryStats(): DeliveryStats {
  return {
    added: 0,
    removed: 0,
    errors: { other: 0, invalidCredentials: 0, timeout: 0, partner: {} },
    failed: 0,
    skipped: { noIdentifier: 0, invalidIdentifier: 0, deactivated: 0, noConsent: 0 },
  };
}

const PARTNER_PREFIX = 'partner.';

/**
 * Adds `count` to the field of `stats` that `metric` maps to. Returns false and changes nothing
 * when the metric name is unknown, so counters written by a newer version are ignored.
 */
export function addMetric(stats: DeliveryStats, metric: MetricName, count: number): boolean {
  if (metric.startsWith(PARTNER_PREFIX) && metric.length > PARTNER_PREFIX.length) {
    addPartnerError(stats.errors.partner, metric.slice(PARTNER_PREFIX.length), count);

    return true;
  }
  switch (metric) {
    case 'added':
      stats.added += count;
      break;
    case 'removed':
      stats.removed += count;
      break;
    case 'failed':
      stats.failed += count;
      break;
    case 'error.other':
      stats.errors.other += count;
      break;
    case 'error.invalid_credentials':
      stats.errors.invalidCredentials += count;
      break;
    case 'error.timeout':
      stats.errors.timeout += count;
      break;
    case 'skipped.no_identifier':
      stats.skipped.noIdentifier += count;
      break;
    case 'skipped.invalid_identifier':
      stats.skipped.invalidIdentifier += count;
      break;
    case 'skipped.deactivated':
      stats.skipped.deactivated += count;
      break;
    case 'skipped.no_consent':
      stats.skipped.noConsent += count;
      break;
    default:
      return false;
  }

  return true;
}

/** Adds every count of `source` to `target`. */
export function addStats(target: DeliveryStats, source: DeliveryStats): void {
  target.added += source.added;
  target.removed += source.removed;
  target.errors.other += source.errors.other;
  target.errors.invalidCredentials += source.errors.invalidCredentials;
  target.errors.timeout += source.errors.timeout;
  for (const [code, count] of Object.entries(source.errors.partner)) {
    addPartnerError(target.errors.partner, code, count);
  }
  target.failed += source.failed;
  target.skipped.noIdentifier += source.skipped.noIdentifier;
  target.skipped.invalidIdentifier += source.skipped.invalidIdentifier;
  target.skipped.deactivated += source.skipped.deactivated;
  target.skipped.noConsent += source.skipped.noConsent;
}

function addPartnerError(partner: PartnerErrorCounts, code: string, count: number): void {
  // defineProperty keeps a code such as "__proto__" an ordinary key.
  Object.defineProperty(partner, code, {
    value: (Object.hasOwn(partner, code) ? (partner[code] ?? 0) : 0) + count,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
