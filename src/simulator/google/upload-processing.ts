import { randomUUID } from 'node:crypto';
import type { AudienceMember } from '../audience-members.js';
import type { SimulatorState } from '../simulator-state.js';
import type { UploadMember, UploadRequest } from './upload-request.js';

/** Requests the simulator keeps for `requestStatus:retrieve`. The oldest are forgotten first. */
const MAX_STORED_REQUESTS = 10_000;

/** Processing error for members that contain the value of an `invalid_marked` fault. */
export const MARKED_MEMBER_REASON = 'PROCESSING_ERROR_REASON_INVALID_FORMAT';

/** Processing error for members whose ad user data consent is denied. */
export const DENIED_CONSENT_REASON = 'PROCESSING_ERROR_REASON_DENIED_CONSENT';

interface StoredUpload {
  operation: 'ingest' | 'remove';
  request: UploadRequest;
  /** Processing error reason of each member that fails, by position. */
  failures: Map<number, string>;
  /** Number of status checks received so far. */
  checks: number;
  applied: boolean;
}

/**
 * Uploads accepted by `audienceMembers:ingest` and `:remove`, processed asynchronously as the
 * Data Manager API does: the first status check of a request reports `PROCESSING`, and the
 * next one applies the membership to the simulated user list and reports the result.
 */
export class UploadProcessing {
  readonly #uploads = new Map<string, StoredUpload>();

  constructor(private readonly state: SimulatorState) {}

  /**
   * Stores an accepted upload and returns its request id. `failures` gives the processing error
   * of each member, by position, that the upload leaves out when it is processed.
   */
  accept(
    operation: 'ingest' | 'remove',
    request: UploadRequest,
    failures: Map<number, string>,
  ): string {
    const requestId = randomUUID();
    this.#uploads.set(requestId, { operation, request, failures, checks: 0, applied: false });
    if (this.#uploads.size > MAX_STORED_REQUESTS) {
      const oldest = this.#uploads.keys().next().value;
      if (oldest !== undefined) this.#uploads.delete(oldest);
    }

    return requestId;
  }

  /** Returns the `RetrieveRequestStatusResponse` body, or `undefined` for an unknown request id. */
  retrieve(requestId: string): unknown {
    const upload = this.#uploads.get(requestId);
    if (upload === undefined) return undefined;

    upload.checks += 1;
    const processing = upload.checks === 1;
    if (!processing && !upload.applied) {
      this.#apply(upload);
      upload.applied = true;
    }

    return {
      requestStatusPerDestination: upload.request.destinations.map((destination) =>
        describeDestination(upload, destination.sent, processing),
      ),
    };
  }

  #apply(upload: StoredUpload): void {
    for (const destination of upload.request.destinations) {
      const audience = this.state.findPartnerAudience('google', destination.productDestinationId);
      if (audience === undefined) continue;

      upload.request.members.forEach((member, index) => {
        if (upload.failures.has(index)) return;
        for (const row of membershipRows(member)) {
          if (upload.operation === 'ingest') audience.members.add(row);
          else audience.members.removeMatching(row);
        }
      });
    }
  }
}

/**
 * Returns the status of one destination. `recordCount` and `userIdentifierCount` are int64
 * fields, which proto3 JSON writes as strings.
 */
function describeDestination(
  upload: StoredUpload,
  destination: Record<string, unknown>,
  processing: boolean,
): Record<string, unknown> {
  const { members } = upload.request;
  const counts = {
    recordCount: String(members.length),
    userIdentifierCount: String(members.reduce((sum, member) => sum + member.identifierCount, 0)),
  };
  const status: Record<string, unknown> = { destination };
  if (upload.operation === 'ingest') {
    status.audienceMembersIngestionStatus = { userDataIngestionStatus: counts };
  } else {
    status.audienceMembersRemovalStatus = { userDataRemovalStatus: counts };
  }
  if (processing) return { ...status, requestStatus: 'PROCESSING' };

  const failed = upload.failures.size;
  let requestStatus = 'PARTIAL_SUCCESS';
  if (failed === 0) requestStatus = 'SUCCESS';
  else if (failed === members.length) requestStatus = 'FAILED';
  if (failed > 0) status.errorInfo = { errorCounts: countByReason(upload.failures) };

  return { ...status, requestStatus };
}

function countByReason(failures: Map<number, string>): { recordCount: string; reason: string }[] {
  const counts = new Map<string, number>();
  for (const reason of failures.values()) counts.set(reason, (counts.get(reason) ?? 0) + 1);

  return [...counts].map(([reason, count]) => ({ recordCount: String(count), reason }));
}

/**
 * Returns the audience rows of a member: row `i` has the `i`-th email and phone, and the first
 * row has the address. A member with two emails is stored as two rows.
 */
export function membershipRows(member: UploadMember): AudienceMember[] {
  const rowCount = Math.max(member.emails.length, member.phones.length, 1);
  const rows: AudienceMember[] = [];
  for (let index = 0; index < rowCount; index++) {
    const row: AudienceMember = {};
    const email = member.emails[index];
    if (email !== undefined) row.EMAIL = email;
    const phone = member.phones[index];
    if (phone !== undefined) row.PHONE = phone;
    if (index === 0 && member.address !== undefined) {
      row.GIVEN_NAME = member.address.givenName;
      row.FAMILY_NAME = member.address.familyName;
      row.REGION_CODE = member.address.regionCode;
      row.POSTAL_CODE = member.address.postalCode;
    }
    if (Object.keys(row).length > 0) rows.push(row);
  }

  return rows;
}
