import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { DeliveryCounts } from './delivery-counts.js';
import {
  addMetric,
  addStats,
  type DailyStats,
  type DeliveryStats,
  emptyDeliveryStats,
  type HourlyStats,
} from './delivery-stats.js';
import {
  dayBucket,
  daysBefore,
  hourBucket,
  hourLabel,
  lastDayBuckets,
  lastHourBuckets,
} from './time-buckets.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Day windows the stats API offers. */
export type StatsDayWindow = 7 | 30 | 90;

/** Hour windows the stats API offers. */
export type StatsHourWindow = 24;

export interface DailyStatsReport {
  days: DailyStats[];
  totals: DeliveryStats;
}

export interface HourlyStatsReport {
  hours: HourlyStats[];
  totals: DeliveryStats;
}

/** Days of hourly rows that `prune` keeps. Hourly detail must stay available for at least 30 days. */
export const HOURLY_RETENTION_DAYS = 31;

/** Days of daily rows that `prune` keeps: the 90-day window and more than a year of history. */
export const DAILY_RETENTION_DAYS = 400;

interface CounterRow {
  bucket: string;
  metric: string;
  /** A string on PostgreSQL, where the column is `bigint`. */
  count: number | string | bigint;
}

/** Delivery counters per connector, per UTC hour and per UTC day. */
export class StatisticsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds `counts` to the hour and the day that contain `at`. Pass the transaction that records
   * the delivery outcome, so the counters commit or roll back with it.
   */
  async increment(
    executor: Executor,
    connectorId: string,
    at: Date,
    counts: DeliveryCounts,
  ): Promise<void> {
    const entries = counts.entries();
    if (entries.length === 0) return;
    const hour = hourBucket(at);
    const day = dayBucket(at);

    await executor
      .insertInto('stats_hourly')
      .values(
        entries.map(([metric, count]) => ({ connector_id: connectorId, hour, metric, count })),
      )
      .onConflict((conflict) =>
        conflict.columns(['connector_id', 'hour', 'metric']).doUpdateSet((eb) => ({
          count: eb('stats_hourly.count', '+', eb.ref('excluded.count')),
        })),
      )
      .execute();
    await executor
      .insertInto('stats_daily')
      .values(entries.map(([metric, count]) => ({ connector_id: connectorId, day, metric, count })))
      .onConflict((conflict) =>
        conflict
          .columns(['connector_id', 'day', 'metric'])
          .doUpdateSet((eb) => ({ count: eb('stats_daily.count', '+', eb.ref('excluded.count')) })),
      )
      .execute();
  }

  /**
   * Reads one entry per UTC day for the `days` days ending with the day of `now` (still
   * partial), oldest first, with zeros for days without counters.
   */
  async days(connectorId: string, days: StatsDayWindow, now: Date): Promise<DailyStatsReport> {
    const buckets = lastDayBuckets(now, days);
    const rows = await this.db
      .selectFrom('stats_daily')
      .select(['day as bucket', 'metric', 'count'])
      .where('connector_id', '=', connectorId)
      .where('day', '>=', buckets[0] ?? '')
      .where('day', '<=', buckets.at(-1) ?? '')
      .execute();
    const { entries, totals } = summarize(buckets, rows);

    return {
      days: entries.map(([bucket, stats]) => ({ date: bucket, ...stats })),
      totals,
    };
  }

  /**
   * Reads one entry per UTC hour for the `hours` hours ending with the hour of `now` (still
   * partial), oldest first, with zeros for hours without counters.
   */
  async hours(connectorId: string, hours: StatsHourWindow, now: Date): Promise<HourlyStatsReport> {
    const buckets = lastHourBuckets(now, hours);
    const rows = await this.db
      .selectFrom('stats_hourly')
      .select(['hour as bucket', 'metric', 'count'])
      .where('connector_id', '=', connectorId)
      .where('hour', '>=', buckets[0] ?? '')
      .where('hour', '<=', buckets.at(-1) ?? '')
      .execute();
    const { entries, totals } = summarize(buckets, rows);

    return {
      hours: entries.map(([bucket, stats]) => ({ hour: hourLabel(bucket), ...stats })),
      totals,
    };
  }

  /**
   * Deletes hourly rows older than `HOURLY_RETENTION_DAYS` and daily rows older than
   * `DAILY_RETENTION_DAYS` before `now`, for every connector. Returns the rows deleted.
   */
  async prune(now: Date): Promise<{ hourlyRows: number; dailyRows: number }> {
    const hourly = await this.db
      .deleteFrom('stats_hourly')
      .where('hour', '<', hourBucket(daysBefore(now, HOURLY_RETENTION_DAYS)))
      .executeTakeFirst();
    const daily = await this.db
      .deleteFrom('stats_daily')
      .where('day', '<', dayBucket(daysBefore(now, DAILY_RETENTION_DAYS)))
      .executeTakeFirst();

    return { hourlyRows: Number(hourly.numDeletedRows), dailyRows: Number(daily.numDeletedRows) };
  }
}

/** Folds counter rows into zero-filled entries, one per bucket in order, and their totals. */
function summarize(buckets: string[], rows: CounterRow[]) {
  const byBucket = new Map<string, DeliveryStats>();
  for (const bucket of buckets) byBucket.set(bucket, emptyDeliveryStats());
  for (const row of rows) {
    const stats = byBucket.get(row.bucket);
    if (stats) addMetric(stats, row.metric, Number(row.count));
  }

  const totals = emptyDeliveryStats();
  for (const stats of byBucket.values()) addStats(totals, stats);

  return { entries: [...byBucket.entries()], totals };
}
