import { Type } from 'typebox';
import type { ConnectorType } from '../connector-type.js';

/** Message of every outcome a tag-based type returns when the engine hands it a batch. */
export const TAG_BASED_BATCH_MESSAGE =
  'Tag-based connectors receive no batches: the tag in the browser sends the data. ' +
  'Connect this audience to a server-to-server connector instead.';

/** Tag-based types store no credentials. */
export const emptyCredentialsSchema = Type.Object({}, { additionalProperties: false });

/** Tag-based types have no per-audience settings. */
export const emptyAudienceSettingsSchema = Type.Object({}, { additionalProperties: false });

type TagBasedParts<Settings> = Pick<
  ConnectorType<Settings, Record<string, never>, Record<string, never>>,
  'id' | 'name' | 'identifierTypes' | 'defaultBaseUrl' | 'settingsSchema' | 'snippet'
>;

/**
 * Builds a tag-based type: the operator pastes its snippet into a site, and the server side
 * only stores the settings. `snippet` is required here even though the interface has it optional.
 */
export function defineTagBasedType<Settings>(
  parts: TagBasedParts<Settings> & { snippet(settings: Settings): string },
): ConnectorType<Settings, Record<string, never>, Record<string, never>> {
  return {
    ...parts,
    kind: 'tag-based',
    multipleConfigurations: true,
    credentialsSchema: emptyCredentialsSchema,
    audienceSettingsSchema: emptyAudienceSettingsSchema,
    consent: { purposes: ['advertising'], unknownAllowed: false },
    // The engine never sends for these types; the limits only satisfy the interface.
    defaults: {
      timeoutMs: 3_000,
      maxBatchSize: 1,
      maxRequestsPerSecond: 1,
      maxConcurrentRequests: 1,
      maxAttempts: 1,
      maxRetryAgeHours: 1,
    },
    checkCredentials: async () => ({
      ok: true,
      message: 'Tag-based: nothing to check on the server.',
    }),
    // NOTE: destinationKey receives the audience settings, not the connector settings. They are
    // empty for tag-based types, so the key is the type id and not the pixel or tag id.
    destinationKey: () => parts.id,
    sendBatch: async (_context, batch) => ({
      outcomes: batch.profiles.map((profile) => ({
        key: profile.key,
        status: 'error',
        category: 'other',
        retryable: false,
        partnerMessage: TAG_BASED_BATCH_MESSAGE,
      })),
    }),
  };
}
