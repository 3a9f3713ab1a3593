/**
 * A token bucket: `ratePerSecond` requests a second on average, with bursts of up to
 * `burst` requests. Time comes from `now()` so tests control it.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  setRate(ratePerSecond: number): void {
    this.#refill();
    this.ratePerSecond = ratePerSecond;
  }

  /** Takes a token if one is available. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;

    return true;
  }

  /** Milliseconds until a token is available; 0 when one is. */
  waitMs(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;

    return Math.ceil(((1 - this.#tokens) / this.ratePerSecond) * 1000);
  }

  #refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsedSeconds * this.ratePerSecond);
    this.#updatedAt = now;
  }
}
