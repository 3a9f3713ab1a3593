interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export interface TokenBucketOptions {
  /** Tokens added per second, the sustained request rate. */
  ratePerSecond: number;
  /** Bucket size, the number of requests allowed at once after an idle period. */
  burst: number;
  /** Buckets kept in memory; when full, the least recently used one is dropped. */
  maxKeys?: number;
  now?: () => number;
}

/** In-memory token buckets per key (a client IP address), for one process only. */
export class TokenBucketLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one token from the key's bucket; returns false when the bucket is empty. */
  take(key: string): boolean {
    const nowMs = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.options.burst, updatedAtMs: nowMs };
    const elapsedSeconds = Math.max(0, nowMs - bucket.updatedAtMs) / 1000;
    bucket.tokens = Math.min(
      this.options.burst,
      bucket.tokens + elapsedSeconds * this.options.ratePerSecond,
    );
    bucket.updatedAtMs = nowMs;
    // Re-inserting keeps the Map in least recently used order.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;

    return true;
  }
}
