import type { BatchProfile, ProfileOutcome } from '../connector-type.js';

/** Largest Xandr user id: user ids are unsigned 64-bit integers (`user_id_64`). */
const MAX_XANDR_UID = 18_446_744_073_709_551_615n;

/** Separators of the member's legacy BSS file format, as Xandr support configured them. */
export interface SegmentFileFormat {
  /** `separator_1`: between the user id and the segment block. */
  separator1: string;
  /** `separator_3`: between the fields of a segment block. */
  separator3: string;
}

/** A BSS file for one segment and the profiles behind its lines. */
export interface SegmentFile {
  /** Lines of the legacy format, each ending with `\n`, one per distinct user id. */
  text: string;
  lineCount: number;
  /** User ids written for each profile that has at least one line, by activation key. */
  uidsByKey: Map<string, string[]>;
  /** Profiles without a usable `xandrUid`. */
  skipped: ProfileOutcome[];
}

export interface SegmentFileRequest {
  segmentId: number;
  operation: 'add' | 'remove';
  /** `EXPIRATION` of an added user, in minutes. 0 is Xandr's maximum of 180 days. */
  expirationMinutes: number;
  format: SegmentFileFormat;
}

/**
 * Returns the Xandr user id in canonical form, or `undefined` when the value is not a decimal
 * integer from 1 to 2^64 - 1. Leading zeros are removed. Spaces around the value are trimmed.
 */
export function normalizeXandrUid(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^\d{1,20}$/.test(trimmed)) return undefined;

  const uid = BigInt(trimmed);
  if (uid === 0n || uid > MAX_XANDR_UID) return undefined;

  return uid.toString();
}

/**
 * Writes the legacy BSS file for one segment. Each line is
 * `UID <separator1> SEG_ID <separator3> EXPIRATION`, so the member's BSS `segment_fields` must be
 * `[SEG_ID, EXPIRATION]`. An add writes `expirationMinutes`, and a removal writes `-1`, which
 * removes the user from the segment.
 *
 * A user id appears on one line only, because Xandr counts a repeated line as an invalid format.
 * Profiles that share a user id all list it in `uidsByKey`.
 */
export function buildSegmentFile(
  profiles: readonly BatchProfile[],
  request: SegmentFileRequest,
): SegmentFile {
  const { separator1, separator3 } = request.format;
  const expiration = request.operation === 'remove' ? -1 : request.expirationMinutes;
  const uidsByKey = new Map<string, string[]>();
  const skipped: ProfileOutcome[] = [];
  const written = new Set<string>();
  let text = '';

  for (const profile of profiles) {
    const values = profile.identifiers.xandrUid ?? [];
    if (values.length === 0) {
      skipped.push({ key: profile.key, status: 'skipped', reason: 'no_identifier' });
      continue;
    }
    const uids = [...new Set(values.map(normalizeXandrUid))].filter(
      (uid): uid is string => uid !== undefined,
    );
    if (uids.length === 0) {
      skipped.push({ key: profile.key, status: 'skipped', reason: 'invalid_identifier' });
      continue;
    }

    uidsByKey.set(profile.key, uids);
    for (const uid of uids) {
      if (written.has(uid)) continue;
      written.add(uid);
      text += `${uid}${separator1}${request.segmentId}${separator3}${expiration}\n`;
    }
  }

  return { text, lineCount: written.size, uidsByKey, skipped };
}

/** Domains of Xandr's API and BSS upload hosts, such as `data-api-gslb.adnxs.net`. */
const XANDR_UPLOAD_DOMAINS = ['adnxs.net', 'adnxs.com', 'appnexus.com'];

/** Destination of an upload: a path below the connector's base URL, or another Xandr origin. */
export type UploadTarget =
  { kind: 'base'; path: string } | { kind: 'xandr-host'; origin: string; path: string };

/**
 * Decides where the upload URL of a job goes. A URL below `baseUrl` (the simulator, a proxy that
 * rewrites upload URLs) is sent through the connector's client. Any other URL must be HTTPS on a
 * Xandr domain, because the request carries the session token. Returns `undefined` for every
 * other URL, and for a URL with user info.
 */
export function uploadTargetOf(baseUrl: string, uploadUrl: string): UploadTarget | undefined {
  const below = uploadPathBelow(baseUrl, uploadUrl);
  if (below !== undefined) return { kind: 'base', path: below };

  let upload: URL;
  try {
    upload = new URL(uploadUrl);
  } catch {
    return undefined;
  }
  const host = upload.hostname.toLowerCase();
  const isXandrHost = XANDR_UPLOAD_DOMAINS.some(
    (domain) => host === domain || host.endsWith(`.${domain}`),
  );
  const hasUserInfo = upload.username !== '' || upload.password !== '';
  if (upload.protocol !== 'https:' || !isXandrHost || hasUserInfo) return undefined;

  return { kind: 'xandr-host', origin: upload.origin, path: upload.pathname + upload.search };
}

/**
 * Returns the path, below `baseUrl`, of an upload URL that Xandr returned, or `undefined` when the
 * URL has another origin, lies outside the base path or carries user info.
 */
export function uploadPathBelow(baseUrl: string, uploadUrl: string): string | undefined {
  let base: URL;
  let upload: URL;
  try {
    base = new URL(baseUrl);
    upload = new URL(uploadUrl);
  } catch {
    return undefined;
  }
  if (upload.origin !== base.origin || upload.username !== '' || upload.password !== '') {
    return undefined;
  }

  const prefix = base.pathname.replace(/\/+$/, '');
  if (!upload.pathname.startsWith(`${prefix}/`)) return undefined;

  return upload.pathname.slice(prefix.length) + upload.search;
}
