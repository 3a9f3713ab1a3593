import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js';
import type { Store } from '../store/store.js';
import { DeliveryCounts, metricNames } from './delivery-counts.js';
import { emptyDeliveryStats } from './delivery-stats.js';
import { StatisticsRepository } from './statistics-repository.js';

// "Today" is 2026-12-04 and the current hour starts at 15:00 UTC.
const NOW = new Date('2026-12-04T15:30:00.000Z');
const CONNECTOR = 'connector-1';

let dataDir: string;
let store: Store;
let statistics: StatisticsRepository;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-stats-'));
  store = await openSqliteStore(dataDir, createLogger('silent'));
  statistics = new StatisticsRepository(store.db);
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function countsOf(metrics: Record<string, number>): DeliveryCounts {
  const counts = new DeliveryCounts();
  for (const [metric, count] of Object.entries(metrics)) counts.add(metric, count);

  return counts;
}

async function record(at: string, metrics: Record<string, number>, connectorId = CONNECTOR) {
  await store.db
    .transaction()
    .execute((trx) => statistics.increment(trx, connectorId, new Date(at), countsOf(metrics)));
}

describe('StatisticsRepository.days', () => {
  it('zero-fills a window without counters', async () => {
    const report = await statistics.days(CONNECTOR, 7, NOW);

    expect(report.days.map((day) => day.date)).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);
    for (const day of report.days) {
      expect(day).toEqual({ date: day.date, ...emptyDeliveryStats() });
    }
    expect(report.totals).toEqual(emptyDeliveryStats());
  });

  it.each([7, 30, 90] as const)('returns %i entries ending today', async (days) => {
    const report = await statistics.days(CONNECTOR, days, NOW);

    expect(report.days).toHaveLength(days);
    expect(report.days.at(-1)?.date).toBe('2026-12-04');
  });

  it('includes day 0 and day 6 but not day 7', async () => {
    await record('2026-12-04T00:00:00.000Z', { added: 1 });
    await record('2026-11-28T00:00:00.000Z', { added: 10 });
    await record('2026-11-27T23:59:59.999Z', { added: 100 });

    const report = await statistics.days(CONNECTOR, 7, NOW);

    expect(report.days[0]).toMatchObject({ date: '2026-11-28', added: 10 });
    expect(report.days[6]).toMatchObject({ date: '2026-12-04', added: 1 });
    expect(report.totals.added).toBe(11);
  });

  it('counts a metric 8 days ago in 30 days, not in 7', async () => {
    await record('2026-11-26T12:00:00.000Z', { removed: 5 });

    const week = await statistics.days(CONNECTOR, 7, NOW);
    const month = await statistics.days(CONNECTOR, 30, NOW);

    expect(week.totals.removed).toBe(0);
    expect(month.totals.removed).toBe(5);
    expect(month.days.find((day) => day.date === '2026-11-26')?.removed).toBe(5);
  });

  it('starts a new day at midnight UTC', async () => {
    const midnight = new Date('2026-12-05T00:00:00.000Z');
    await record('2026-12-04T23:59:59.999Z', { added: 1 });
    await record('2026-12-05T00:00:00.000Z', { added: 2 });

    const report = await statistics.days(CONNECTOR, 7, midnight);

    expect(report.days.at(-1)).toMatchObject({ date: '2026-12-05', added: 2 });
    expect(report.days.at(-2)).toMatchObject({ date: '2026-12-04', added: 1 });
  });

  it('maps every metric name to its key', async () => {
    await record('2026-12-04T10:00:00.000Z', {
      [metricNames.added]: 1,
      [metricNames.removed]: 2,
      [metricNames.failed]: 3,
      [metricNames.error('other')]: 4,
      [metricNames.error('invalid_credentials')]: 5,
      [metricNames.error('timeout')]: 6,
      [metricNames.skipped('no_identifier')]: 7,
      [metricNames.skipped('invalid_identifier')]: 8,
      [metricNames.skipped('deactivated')]: 9,
      [metricNames.skipped('no_consent')]: 10,
    });

    const today = (await statistics.days(CONNECTOR, 7, NOW)).days.at(-1);

    expect(today).toEqual({
      date: '2026-12-04',
      added: 1,
      removed: 2,
      errors: { other: 4, invalidCredentials: 5, timeout: 6, partner: {} },
      failed: 3,
      skipped: { noIdentifier: 7, invalidIdentifier: 8, deactivated: 9, noConsent: 10 },
    });
  });

  it('keys partner errors by code and subcode', async () => {
    await record('2026-12-03T10:00:00.000Z', {
      [metricNames.partner('100/33')]: 4,
      [metricNames.partner('613')]: 1,
      [metricNames.partner('invalid_entries')]: 7,
    });
    await record('2026-12-04T10:00:00.000Z', { [metricNames.partner('100/33')]: 2 });

    const report = await statistics.days(CONNECTOR, 7, NOW);

    expect(report.days.at(-2)?.errors.partner).toEqual({
      '100/33': 4,
      '613': 1,
      invalid_entries: 7,
    });
    expect(report.days.at(-1)?.errors.partner).toEqual({ '100/33': 2 });
    expect(report.totals.errors.partner).toEqual({ '100/33': 6, '613': 1, invalid_entries: 7 });
  });

  it('ignores unknown metrics', async () => {
    await record('2026-12-04T10:00:00.000Z', { 'retried.later': 3, 'partner.': 2, added: 1 });

    const report = await statistics.days(CONNECTOR, 7, NOW);

    expect(report.totals).toEqual({ ...emptyDeliveryStats(), added: 1 });
  });

  it('returns totals equal to the sum of the days', async () => {
    await record('2026-11-29T01:00:00.000Z', { added: 3, 'error.timeout': 1, 'partner.190': 2 });
    await record('2026-12-01T08:00:00.000Z', { added: 4, failed: 1, 'skipped.no_consent': 2 });
    await record('2026-12-04T15:00:00.000Z', { removed: 6, 'error.timeout': 2, 'partner.190': 1 });

    const report = await statistics.days(CONNECTOR, 7, NOW);
    const sum = (pick: (day: (typeof report.days)[number]) => number) =>
      report.days.reduce((total, day) => total + pick(day), 0);

    expect(report.totals.added).toBe(sum((day) => day.added));
    expect(report.totals.removed).toBe(sum((day) => day.removed));
    expect(report.totals.failed).toBe(sum((day) => day.failed));
    expect(report.totals.errors.timeout).toBe(sum((day) => day.errors.timeout));
    expect(report.totals.errors.partner['190']).toBe(sum((day) => day.errors.partner['190'] ?? 0));
    expect(report.totals.skipped.noConsent).toBe(sum((day) => day.skipped.noConsent));
    expect(report.totals).toEqual({
      added: 7,
      removed: 6,
      errors: { other: 0, invalidCredentials: 0, timeout: 3, partner: { '190': 3 } },
      failed: 1,
      skipped: { noIdentifier: 0, invalidIdentifier: 0, deactivated: 0, noConsent: 2 },
    });
  });

  it('keeps connectors apart', async () => {
    await record('2026-12-04T10:00:00.000Z', { added: 1 });
    await record('2026-12-04T10:00:00.000Z', { added: 50 }, 'connector-2');

    const report = await statistics.days(CONNECTOR, 7, NOW);

    expect(report.totals.added).toBe(1);
  });
});

describe('StatisticsRepository.hours', () => {
  it('returns 24 zero-filled hours ending with the current hour', async () => {
    const report = await statistics.hours(CONNECTOR, 24, NOW);

    expect(report.hours).toHaveLength(24);
    expect(report.hours[0]?.hour).toBe('2026-12-03T16:00:00Z');
    expect(report.hours.at(-1)?.hour).toBe('2026-12-04T15:00:00Z');
    expect(report.hours[1]).toEqual({ hour: '2026-12-03T17:00:00Z', ...emptyDeliveryStats() });
    expect(report.totals).toEqual(emptyDeliveryStats());
  });

  it('includes hour 23 back but not hour 24', async () => {
    await record('2026-12-04T15:59:59.999Z', { added: 1 });
    await record('2026-12-03T16:00:00.000Z', { added: 10 });
    await record('2026-12-03T15:59:59.999Z', { added: 100 });

    const report = await statistics.hours(CONNECTOR, 24, NOW);

    expect(report.hours[0]).toMatchObject({ hour: '2026-12-03T16:00:00Z', added: 10 });
    expect(report.hours.at(-1)).toMatchObject({ hour: '2026-12-04T15:00:00Z', added: 1 });
    expect(report.totals.added).toBe(11);
  });

  it('groups partner codes per hour', async () => {
    await record('2026-12-04T14:10:00.000Z', { 'partner.100/33': 2, 'error.other': 1 });
    await record('2026-12-04T14:50:00.000Z', { 'partner.100/33': 3 });

    const report = await statistics.hours(CONNECTOR, 24, NOW);

    expect(report.hours.at(-2)?.errors).toEqual({
      other: 1,
      invalidCredentials: 0,
      timeout: 0,
      partner: { '100/33': 5 },
    });
  });
});

describe('StatisticsRepository.increment', () => {
  it('adds up increments from two transactions', async () => {
    await record('2026-12-04T09:05:00.000Z', { added: 3, 'partner.190': 1 });
    await record('2026-12-04T09:55:00.000Z', { added: 4, 'partner.190': 2 });

    const daily = await statistics.days(CONNECTOR, 7, NOW);
    const hourly = await statistics.hours(CONNECTOR, 24, NOW);

    expect(daily.totals.added).toBe(7);
    expect(daily.totals.errors.partner).toEqual({ '190': 3 });
    expect(hourly.hours.find((hour) => hour.hour === '2026-12-04T09:00:00Z')?.added).toBe(7);
  });

  it('writes one row per metric to both tables', async () => {
    await record('2026-12-04T09:05:00.000Z', { added: 3, failed: 1 });
    await record('2026-12-04T11:05:00.000Z', { added: 2 });

    const hourly = await store.db
      .selectFrom('stats_hourly')
      .select(['hour', 'metric', 'count'])
      .orderBy('hour')
      .orderBy('metric')
      .execute();
    const daily = await store.db
      .selectFrom('stats_daily')
      .select(['day', 'metric', 'count'])
      .orderBy('metric')
      .execute();

    expect(hourly).toEqual([
      { hour: '2026-12-04T09', metric: 'added', count: 3 },
      { hour: '2026-12-04T09', metric: 'failed', count: 1 },
      { hour: '2026-12-04T11', metric: 'added', count: 2 },
    ]);
    expect(daily).toEqual([
      { day: '2026-12-04', metric: 'added', count: 5 },
      { day: '2026-12-04', metric: 'failed', count: 1 },
    ]);
  });

  it('rolls back with the caller transaction', async () => {
    const failure = new Error('outcome write failed');

    await expect(
      store.db.transaction().execute(async (trx) => {
        await statistics.increment(trx, CONNECTOR, NOW, countsOf({ added: 5 }));
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect((await statistics.days(CONNECTOR, 7, NOW)).totals.added).toBe(0);
    expect((await statistics.hours(CONNECTOR, 24, NOW)).totals.added).toBe(0);
  });

  it('writes nothing for empty counts', async () => {
    await statistics.increment(store.db, CONNECTOR, NOW, new DeliveryCounts());

    const rows = await store.db.selectFrom('stats_daily').selectAll().execute();

    expect(rows).toEqual([]);
  });
});

describe('StatisticsRepository.prune', () => {
  it('deletes hourly rows after 31 days and daily rows after 400', async () => {
    await record('2026-11-02T15:00:00.000Z', { added: 1 }); // 32 days back
    await record('2026-11-04T15:00:00.000Z', { added: 2 }); // 30 days back
    await record('2025-10-29T15:00:00.000Z', { added: 4 }); // 401 days back
    await record('2025-10-30T15:00:00.000Z', { added: 8 }); // 400 days back

    const deleted = await statistics.prune(NOW);

    const hours = await store.db
      .selectFrom('stats_hourly')
      .select('hour')
      .orderBy('hour')
      .execute();
    const days = await store.db.selectFrom('stats_daily').select('day').orderBy('day').execute();
    expect(hours.map((row) => row.hour)).toEqual(['2026-11-04T15']);
    expect(days.map((row) => row.day)).toEqual(['2025-10-30', '2026-11-02', '2026-11-04']);
    expect(deleted).toEqual({ hourlyRows: 3, dailyRows: 1 });
  });

  it('keeps the 90-day window intact', async () => {
    await record('2026-09-06T00:00:00.000Z', { added: 9 }); // the oldest day of 90

    await statistics.prune(NOW);
    const report = await statistics.days(CONNECTOR, 90, NOW);

    expect(report.days[0]).toMatchObject({ date: '2026-09-06', added: 9 });
  });
});
