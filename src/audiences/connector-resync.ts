import type { DeliveryLedger } from '../delivery/delivery-ledger.js';
import type { Logger } from '../log/logger.js';
import type { Profile } from '../profiles/profile.js';
import type { AudienceRepository } from '../store/audience-repository.js';
import type { ProfileRepository } from '../store/profile-repository.js';
import type { MembershipChanges } from './membership-changes.js';

const PAGE_SIZE = 2_000;

/**
 * Brings the partner audiences of a connector in line with the audiences connected to it, after
 * the connector is activated again. Members the ledger lacks are added, and profiles the ledger
 * lists that are no longer members are removed. Destinations that only journeys send to are
 * left alone, because a journey's sends do not define a membership.
 */
export class ConnectorResync {
  constructor(
    private readonly options: {
      audiences: AudienceRepository;
      profiles: ProfileRepository;
      ledger: DeliveryLedger;
      changes: MembershipChanges;
      logger: Logger;
    },
  ) {}

  async resync(connectorId: string): Promise<void> {
    for (const connection of await this.options.audiences.connectionsOfConnector(connectorId)) {
      const destination = {
        connectorId,
        settings: JSON.parse(connection.settings) as Record<string, unknown>,
        destinationKey: connection.destination_key ?? '',
      };
      const held = new Set(
        await this.options.ledger.profileIdsAt(connectorId, destination.destinationKey),
      );
      let added = 0;
      let afterId: string | undefined;
      for (;;) {
        const memberIds = await this.options.audiences.memberPage(
          connection.audience_id,
          afterId,
          PAGE_SIZE,
        );
        if (memberIds.length === 0) break;
        const missing = memberIds.filter((profileId) => !held.has(profileId));
        for (const profileId of memberIds) held.delete(profileId);
        const profiles = await this.options.profiles.getMany(missing);
        await this.options.changes.send([destination], [...profiles.values()], 'add');
        added += profiles.size;
        afterId = memberIds[memberIds.length - 1];
      }
      // What is left in `held` is at the partner but no longer in the audience.
      const leftovers = [...held].map((id): Profile => ({
        id,
        identifiers: {},
        attributes: {},
        consents: { advertising: 'unknown', email: 'unknown' },
      }));
      await this.options.changes.send([destination], leftovers, 'remove');
      this.options.logger.info(
        { connectorId, audienceId: connection.audience_id, added, removed: leftovers.length },
        'connector resynchronized',
      );
    }
  }
}
