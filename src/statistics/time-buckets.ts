const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** UTC hour of `at` as stored in `stats_hourly.hour`: `YYYY-MM-DDTHH`. */
export function hourBucket(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** UTC day of `at` as stored in `stats_daily.day`: `YYYY-MM-DD`. */
export function dayBucket(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Turns an hour bucket into the API's hour label, `YYYY-MM-DDTHH:00:00Z`. */
export function hourLabel(bucket: string): string {
  return `${bucket}:00:00Z`;
}

/** Day buckets of the `count` UTC days ending with the day of `now`, oldest first. */
export function lastDayBuckets(now: Date, count: number): string[] {
  const buckets: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    buckets.push(dayBucket(new Date(now.getTime() - back * DAY_MS)));
  }

  return buckets;
}

/** Hour buckets of the `count` UTC hours ending with the hour of `now`, oldest first. */
export function lastHourBuckets(now: Date, count: number): string[] {
  const buckets: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    buckets.push(hourBucket(new Date(now.getTime() - back * HOUR_MS)));
  }

  return buckets;
}

/** Returns the time `days` whole days (of 24 hours) before `now`. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
