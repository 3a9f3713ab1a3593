import type { StoreLeases } from './store-leases.js';

/** Whether this process delivers a connector, and whether it just started to. */
export type Ownership = 'held' | 'taken' | 'elsewhere';

/**
 * Decides which process delivers which connector. Only one process at a time sends a
 * connector's requests, so its rate and concurrency limits hold across all processes.
 */
export interface ConnectorOwnership {
  /** Keeps this process's leases alive; returns the connectors it lost meanwhile. */
  refresh(): Promise<string[]>;
  /** Takes the connector when it is free and this process is under its fair share. */
  acquire(connectorId: string, connectorsWithWork: number): Promise<Ownership>;
  /** Connectors held beyond the fair share, which this process should hand over. */
  surplus(connectorsWithWork: number): number;
  /** Gives one connector up. */
  release(connectorId: string): Promise<void>;
  /** Gives every lease up (the process is stopping). */
  releaseAll(): Promise<void>;
  /** True while this process delivers the connector, as of the last lease renewal. */
  delivers(connectorId: string): boolean;
}

/** One process delivers everything: the embedded deployment. */
export class SoleOwnership implements ConnectorOwnership {
  async refresh(): Promise<string[]> {
    return [];
  }

  async acquire(): Promise<Ownership> {
    return 'held';
  }

  surplus(): number {
    return 0;
  }

  async release(): Promise<void> {}

  async releaseAll(): Promise<void> {}

  delivers(): boolean {
    return true;
  }
}

const WORKER_PREFIX = 'worker:';
const CONNECTOR_PREFIX = 'connector:';

/**
 * Ownership through leases in the shared store. Every worker announces itself with a lease of
 * its own. A worker takes free connectors up to its share (connectors with work divided by live
 * workers, rounded up) and renews its leases a few times per lease period. When a worker dies,
 * its leases expire and the others take its connectors over.
 */
export class LeasedOwnership implements ConnectorOwnership {
  readonly #held = new Set<string>();
  #liveWorkers = 1;
  #renewedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly leases: StoreLeases,
    private readonly workerId: string,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async refresh(): Promise<string[]> {
    if (this.now() - this.#renewedAt < this.leaseMs / 3) return [];
    this.#renewedAt = this.now();
    await this.leases.acquire(`${WORKER_PREFIX}${this.workerId}`, this.workerId, this.leaseMs);
    this.#liveWorkers = Math.max(1, (await this.leases.live(WORKER_PREFIX)).length);
    const lost: string[] = [];
    for (const connectorId of this.#held) {
      const kept = await this.leases.acquire(
        `${CONNECTOR_PREFIX}${connectorId}`,
        this.workerId,
        this.leaseMs,
      );
      if (!kept) lost.push(connectorId);
    }
    for (const connectorId of lost) this.#held.delete(connectorId);

    return lost;
  }

  async acquire(connectorId: string, connectorsWithWork: number): Promise<Ownership> {
    if (this.#held.has(connectorId)) return 'held';
    if (this.#held.size >= this.#share(connectorsWithWork)) return 'elsewhere';
    const taken = await this.leases.acquire(
      `${CONNECTOR_PREFIX}${connectorId}`,
      this.workerId,
      this.leaseMs,
    );
    if (!taken) return 'elsewhere';
    this.#held.add(connectorId);

    return 'taken';
  }

  surplus(connectorsWithWork: number): number {
    return Math.max(0, this.#held.size - this.#share(connectorsWithWork));
  }

  async release(connectorId: string): Promise<void> {
    this.#held.delete(connectorId);
    await this.leases.release(`${CONNECTOR_PREFIX}${connectorId}`, this.workerId);
  }

  async releaseAll(): Promise<void> {
    this.#held.clear();
    await this.leases.releaseAll(this.workerId);
  }

  delivers(connectorId: string): boolean {
    return this.#held.has(connectorId);
  }

  #share(connectorsWithWork: number): number {
    return Math.max(1, Math.ceil(connectorsWithWork / this.#liveWorkers));
  }
}
