import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import type { Logger } from '../log/logger.js';
import type { Profile } from '../profiles/profile.js';
import type { AudienceRepository } from '../store/audience-repository.js';
import type { Store } from '../store/store.js';
import { activationFor, type Destination } from './activation-for.js';

/** Told when profiles enter an audience, so journeys with an audience trigger can start. */
export type AudienceEntryListener = (audienceId: string, profiles: Profile[]) => Promise<void>;

export interface MembershipChangesOptions {
  store: Store;
  audiences: AudienceRepository;
  engine: Pick<DeliveryEngine, 'enqueue'>;
  logger: Logger;
  now?: () => Date;
}

/**
 * Applies entries and exits: stores the membership, then turns each into an add or remove
 * activation for every connection of the audience, then calls the entry listeners.
 */
export class MembershipChanges {
  readonly #listeners: AudienceEntryListener[] = [];
  readonly #now: () => Date;

  constructor(private readonly options: MembershipChangesOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  onEntry(listener: AudienceEntryListener): void {
    this.#listeners.push(listener);
  }

  /**
   * `stayed` are members whose profile changed; they are sent again as adds, and the engine
   * sends nothing for those whose identifiers the partner already holds.
   */
  async apply(
    audienceId: string,
    entered: Profile[],
    exited: Profile[],
    stayed: Profile[] = [],
  ): Promise<void> {
    if (entered.length === 0 && exited.length === 0 && stayed.length === 0) return;
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.audiences.addMembers(
        trx,
        audienceId,
        entered.map((profile) => profile.id),
        at,
      );
      await this.options.audiences.removeMembers(
        trx,
        audienceId,
        exited.map((profile) => profile.id),
      );
    });
    const destinations = await this.destinationsOf(audienceId);
    await this.send(destinations, [...entered, ...stayed], 'add');
    await this.send(destinations, exited, 'remove');
    if (entered.length > 0 || exited.length > 0) {
      this.options.logger.info(
        { audienceId, entered: entered.length, exited: exited.length },
        'audience membership changed',
      );
    }
    for (const listener of this.#listeners) await listener(audienceId, entered);
  }

  async destinationsOf(audienceId: string): Promise<Destination[]> {
    const connections = await this.options.audiences.connections(audienceId);

    return connections.map((connection) => ({
      connectorId: connection.connector_id,
      settings: JSON.parse(connection.settings) as Record<string, unknown>,
      destinationKey: connection.destination_key ?? '',
    }));
  }

  async send(destinations: Destination[], profiles: Profile[], operation: 'add' | 'remove') {
    if (profiles.length === 0 || destinations.length === 0) return;
    await this.options.engine.enqueue(
      destinations.flatMap((destination) =>
        profiles.map((profile) => activationFor(destination, profile, operation)),
      ),
    );
  }
}
