import type { ActivationRequest } from '../delivery/queue/activation-queue.js';

/**
 * Returns an activation request for queue tests: an add of `profileId` with one email to Meta
 * audience 111 of connector c1, with the fields of `change` replaced.
 */
export function activationRequest(
  profileId: string,
  change: Partial<ActivationRequest> = {},
): ActivationRequest {
  return {
    connectorId: 'c1',
    destination: { customAudienceId: '111' },
    destinationKey: '111',
    profileId,
    operation: 'add',
    profile: { identifiers: { email: [`${profileId}@example.com`] } },
    ...change,
  };
}
