/** Delivery attempts and failed attempts of one connector over a sliding span of time. */
export class AttemptWindow {
  #entries: { at: number; attempts: number; errors: number }[] = [];

  constructor(private readonly spanMs: number) {}

  /** Adds the attempts of one recorded batch at `at` (epoch ms). */
  add(at: number, attempts: number, errors: number): void {
    if (attempts === 0) return;
    this.#entries.push({ at, attempts, errors });
    this.#prune(at);
  }

  /** Sums the attempts recorded within the span before `now`. */
  totals(now: number): { attempts: number; errors: number } {
    this.#prune(now);
    let attempts = 0;
    let errors = 0;
    for (const entry of this.#entries) {
      attempts += entry.attempts;
      errors += entry.errors;
    }

    return { attempts, errors };
  }

  #prune(now: number): void {
    const from = now - this.spanMs;
    const firstKept = this.#entries.findIndex((entry) => entry.at > from);
    this.#entries = firstKept < 0 ? [] : this.#entries.slice(firstKept);
  }
}
