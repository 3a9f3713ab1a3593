import type { DayCounts } from '../../api/types';

/**
 * The delivery outcomes the graph stacks, in stacking order. `name` is the value of the
 * `data-category` attribute on chart elements (the API's snake_case outcome names), and the
 * colours are the console's fixed outcome colours.
 */
export const DELIVERY_CATEGORIES = [
  { name: 'added', label: 'Added', color: '#2f9e44', count: (day: DayCounts) => day.added },
  { name: 'removed', label: 'Removed', color: '#1c7ed6', count: (day: DayCounts) => day.removed },
  {
    name: 'invalid_credentials',
    label: 'Invalid credentials',
    color: '#e03131',
    count: (day: DayCounts) => day.errors.invalidCredentials,
  },
  {
    name: 'timeout',
    label: 'Timeout',
    color: '#f08c00',
    count: (day: DayCounts) => day.errors.timeout,
  },
  {
    name: 'partner_error',
    label: 'Partner error',
    color: '#9c36b5',
    count: (day: DayCounts) => sumValues(day.errors.partner),
  },
  {
    name: 'other',
    label: 'Other error',
    color: '#868e96',
    count: (day: DayCounts) => day.errors.other,
  },
] as const;

export type DeliveryCategoryName = (typeof DELIVERY_CATEGORIES)[number]['name'];

export const ERROR_CATEGORY_COLORS: Record<string, string> = Object.fromEntries(
  DELIVERY_CATEGORIES.map((category) => [category.name, category.color]),
);

export function sumValues(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Formats a UTC day (YYYY-MM-DD) as "Dec 4", read in UTC so the day never shifts. */
export function formatDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en', {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}
