import type { ActivationRequest } from '../delivery/queue/activation-queue.js';
import type { Profile } from '../profiles/profile.js';

/** A partner audience a profile is sent to: a connector plus its destination settings. */
export interface Destination {
  connectorId: string;
  settings: Record<string, unknown>;
  destinationKey: string;
}

/** Builds the activation that adds a profile to, or removes it from, one destination. */
export function activationFor(
  destination: Destination,
  profile: Profile,
  operation: 'add' | 'remove',
): ActivationRequest {
  return {
    connectorId: destination.connectorId,
    destination: destination.settings,
    destinationKey: destination.destinationKey,
    profileId: profile.id,
    operation,
    profile: {
      identifiers: profile.identifiers,
      attributes: profile.attributes,
      consents: profile.consents,
    },
  };
}
