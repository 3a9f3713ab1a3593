export interface CircuitBreakerOptions {
  /** Consecutive failed requests that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe request is let through, in ms. */
  openMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = {
  failureThreshold: 5,
  openMs: 30_000,
};

/**
 * Guards one connector against a partner that fails every request.
 *
 * closed: requests flow; `failureThreshold` consecutive failures open the circuit.
 * open: no request starts until `openMs` has passed, then the circuit is half-open.
 * half-open: one probe request may start; its success closes the circuit, its failure opens it
 * again for another `openMs`.
 */
export class CircuitBreaker {
  #state: 'closed' | 'open' | 'half_open' = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.#state !== 'closed';
  }

  /** Whether `tryAcquire` would let a request start now, without taking the probe. */
  canAttempt(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') return this.now() - this.#openedAt >= this.options.openMs;

    return !this.#probeInFlight;
  }

  /** Whether a request may start now; in half-open state only the one probe may. */
  tryAcquire(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' && this.now() - this.#openedAt >= this.options.openMs) {
      this.#state = 'half_open';
    }
    if (this.#state === 'half_open' && !this.#probeInFlight) {
      this.#probeInFlight = true;

      return true;
    }

    return false;
  }

  recordSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#probeInFlight = false;
  }

  recordFailure(): void {
    this.#failures += 1;
    if (this.#state === 'half_open' || this.#failures >= this.options.failureThreshold) {
      this.#state = 'open';
      this.#openedAt = this.now();
    }
    this.#probeInFlight = false;
  }
}
