import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { ProfileService } from '../profiles/profile-service.js';
import { identifierTypeOf } from './partner-identifiers.js';
import type { SyncTokens } from './sync-token.js';
import { TokenBucketLimiter } from './token-bucket.js';
import { TRANSPARENT_GIF } from './transparent-gif.js';

/** Values kept per partner identifier type, newest first. */
export const MAX_SYNCED_VALUES = 10;

const PARTNER_UID_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export interface IdSyncOptions {
  tokens: SyncTokens;
  profiles: ProfileService;
  /** Limiter per client IP; defaults to 20 requests per second with a burst of 50. */
  limiter?: TokenBucketLimiter;
}

/** Reason a sync request stored nothing, and the HTTP status of its response. */
type Rejection = { status: 400 | 404 | 429; reason: string };

const syncParams = Type.Object({ partnerType: Type.String({ maxLength: 100 }) });

/**
 * Registers the public id-sync endpoint `GET /sync/:partnerType?uid=…&t=…`, called from a
 * partner's redirect or an image on the operator's site. It always returns the 1x1 GIF, so a
 * page never shows a broken image, and the status tells whether the uid was stored.
 */
export function idSyncRoutes(options: IdSyncOptions): FastifyPluginAsyncTypebox {
  // NOTE: request.ip is the socket address unless Fastify's trustProxy is set, so behind a
  // reverse proxy all clients share one bucket.
  const limiter = options.limiter ?? new TokenBucketLimiter({ ratePerSecond: 20, burst: 50 });

  return async (app) => {
    app.get(
      '/sync/:partnerType',
      {
        schema: {
          tags: ['id-sync'],
          security: [],
          params: syncParams,
          description: 'Stores a partner user id on the profile a sync token names; returns a GIF.',
        },
      },
      async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const partnerType = request.params.partnerType;
        const rejection = limiter.take(request.ip)
          ? await storePartnerUid(options, partnerType, query.uid, query.t)
          : { status: 429 as const, reason: 'rate_limited' };
        if (rejection) {
          request.log.debug({ partnerType, reason: rejection.reason }, 'id sync rejected');
          return sendGif(reply, rejection.status);
        }
        request.log.debug({ partnerType }, 'id sync stored');

        return sendGif(reply, 200);
      },
    );
  };
}

/** Checks the request and stores the uid; returns why it did not, or undefined on success. */
async function storePartnerUid(
  options: IdSyncOptions,
  partnerType: string,
  uid: unknown,
  token: unknown,
): Promise<Rejection | undefined> {
  const identifierType = identifierTypeOf(partnerType);
  if (!identifierType) return { status: 404, reason: 'unknown_partner_type' };
  if (typeof uid !== 'string' || !PARTNER_UID_PATTERN.test(uid)) {
    return { status: 400, reason: 'invalid_uid' };
  }
  const profileId = typeof token === 'string' ? options.tokens.verify(token) : undefined;
  if (profileId === undefined) return { status: 400, reason: 'invalid_token' };
  const stored = await options.profiles.addIdentifierValue(
    profileId,
    identifierType,
    uid,
    MAX_SYNCED_VALUES,
  );

  return stored ? undefined : { status: 404, reason: 'profile_not_found' };
}

function sendGif(reply: FastifyReply, status: number): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'image/gif')
    .header('cache-control', 'no-store')
    .send(TRANSPARENT_GIF);
}

const syncTokenParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** `GET /profiles/:id/sync-token`, for the authenticated API: the token a sync URL carries. */
export function syncTokenRoutes(options: IdSyncOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/profiles/:id/sync-token',
      {
        schema: {
          tags: ['profiles'],
          params: syncTokenParams,
          response: { 200: Type.Object({ token: Type.String() }) },
        },
      },
      async (request) => {
        // Throws PROFILE_NOT_FOUND (404) for an unknown id.
        const profile = await options.profiles.get(request.params.id);

        return { token: options.tokens.issue(profile.id) };
      },
    );
  };
}
