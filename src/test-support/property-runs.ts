import type { Parameters } from 'fast-check';

/**
 * Whether the long variant of the property-based tests runs. `ACTIVATOR_LONG_TESTS=1` sets it;
 * `npm test` runs the short variant.
 */
export const LONG_TESTS = process.env.ACTIVATOR_LONG_TESTS === '1';

/** Factor by which the long variant multiplies each property's number of runs. */
export const LONG_RUN_FACTOR = 50;

/**
 * Timeout of one property test in ms. The short variant uses the vitest default, and the long
 * variant allows 30 minutes because it generates 50 times as many cases.
 */
export const PROPERTY_TEST_TIMEOUT_MS = LONG_TESTS ? 1_800_000 : undefined;

/**
 * Builds the fast-check parameters of one property: `runs` generated cases, or 50 times as many
 * in the long variant. `ACTIVATOR_PROPERTY_SEED` fixes the seed, so a failure that fast-check
 * reported with its seed repeats with the same cases.
 */
export function propertyRuns<T>(runs: number, parameters: Parameters<T> = {}): Parameters<T> {
  const seed = process.env.ACTIVATOR_PROPERTY_SEED;

  return {
    numRuns: LONG_TESTS ? runs * LONG_RUN_FACTOR : runs,
    ...(seed === undefined || seed === '' ? {} : { seed: Number(seed) }),
    ...parameters,
  };
}
