import { describe, expect, it } from 'vitest';
import { mayRetry, nextRetryDelayMs } from './retry-policy.js';

const options = { baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterSeconds: 3600 };

describe('nextRetryDelayMs', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [10, 60_000],
    [1000, 60_000],
  ])('bounds attempt %i by %i ms', (attempts, bound) => {
    expect(nextRetryDelayMs(attempts, undefined, options, () => 0.999999)).toBe(bound - 1);
    expect(nextRetryDelayMs(attempts, undefined, options, () => 0)).toBe(0);
  });

  it('waits at least the Retry-After seconds', () => {
    expect(nextRetryDelayMs(1, 30, options, () => 0)).toBe(30_000);
  });

  it.each([
    [-5, 0],
    [999_999, 3_600_000],
    [Number.NaN, 0],
  ])('clamps a Retry-After of %d seconds', (retryAfter, expected) => {
    expect(nextRetryDelayMs(1, retryAfter, options, () => 0)).toBe(expected);
  });
});

describe('mayRetry', () => {
  const base = {
    attemptsMade: 1,
    maxAttempts: 3,
    enqueuedAt: 0,
    nextAttemptAt: 1000,
    maxRetryAgeHours: 1,
  };

  it('allows a retry within attempts and age', () => {
    expect(mayRetry(base)).toBe(true);
  });

  it('stops at the maximum number of attempts', () => {
    expect(mayRetry({ ...base, attemptsMade: 3 })).toBe(false);
  });

  it('stops when the next attempt would exceed the maximum age', () => {
    expect(mayRetry({ ...base, nextAttemptAt: 3_600_001 })).toBe(false);
  });
});
