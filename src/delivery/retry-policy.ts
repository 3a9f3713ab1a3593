/** Backoff settings; defaults are documented in the README. */
export interface RetryPolicyOptions {
  /** Upper bound of the first delay, in ms. */
  baseDelayMs: number;
  /** Cap of any computed delay, in ms. */
  maxDelayMs: number;
  /** Cap of a partner's `Retry-After`, in seconds; larger values are not trusted as is. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  baseDelayMs: 1_000,
  maxDelayMs: 300_000,
  maxRetryAfterSeconds: 3_600,
};

/**
 * Returns the delay before the next attempt: exponential backoff with full jitter (a uniform
 * pick between 0 and the exponential bound), but never shorter than the partner's
 * `Retry-After`, which is clamped to 0..maxRetryAfterSeconds.
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  retryAfterSeconds: number | undefined,
  options: RetryPolicyOptions = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
  const bound = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const jittered = Math.floor(random() * bound);
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds)) return jittered;
  const retryAfterMs =
    Math.min(Math.max(retryAfterSeconds, 0), options.maxRetryAfterSeconds) * 1000;

  return Math.max(jittered, retryAfterMs);
}

/** Decides whether a failed activation may be tried again. */
export function mayRetry(options: {
  attemptsMade: number;
  maxAttempts: number;
  enqueuedAt: number;
  nextAttemptAt: number;
  maxRetryAgeHours: number;
}): boolean {
  const ageAtNextAttempt = options.nextAttemptAt - options.enqueuedAt;

  return (
    options.attemptsMade < options.maxAttempts &&
    ageAtNextAttempt <= options.maxRetryAgeHours * 3_600_000
  );
}
