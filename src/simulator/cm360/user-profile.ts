import { invalidArgument, notFound } from './google-error.js';

/** The CM360 API version the simulator serves. Google sunset v4 on 2026-02-26. */
export const SIMULATED_API_VERSION = 'v5';

/**
 * Throws the errors of the real API for a path's version and profile id: 404 for a version the
 * simulator does not serve, and 400 for a profile id that is not an int64.
 */
export function checkProfilePath(version: string, profileId: string): void {
  if (version !== SIMULATED_API_VERSION) {
    throw notFound(
      `Campaign Manager 360 API ${version} is not available. Use ${SIMULATED_API_VERSION}.`,
    );
  }
  if (!/^[0-9]{1,19}$/.test(profileId)) {
    throw invalidArgument(`Invalid value at 'profile_id' (TYPE_INT64), "${profileId}"`);
  }
}

/**
 * `GET /dfareporting/{version}/userprofiles/{profileId}`: every numeric profile id exists and
 * belongs to one simulated account.
 */
export function readUserProfile(version: string, profileId: string): Record<string, string> {
  checkProfilePath(version, profileId);

  return {
    kind: 'dfareporting#userProfile',
    etag: `"sim-${profileId}"`,
    profileId,
    userName: `simulated-user-${profileId}`,
    accountId: '1000',
    accountName: 'Simulated CM360 account',
  };
}
