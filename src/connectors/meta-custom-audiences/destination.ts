import { DestinationError } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import type { MetaGraphClient } from './client.js';
import { classifyMetaError } from './error-codes.js';
import type { MetaAudienceSettings } from './schemas.js';

/** Returns the custom audience id the settings name, creating the audience for `audienceName`. */
export async function prepareMetaDestination(
  client: MetaGraphClient,
  settings: MetaAudienceSettings,
): Promise<MetaAudienceSettings> {
  if (settings.customAudienceId) return { customAudienceId: settings.customAudienceId };
  const name = settings.audienceName ?? '';
  try {
    const response = await client.createCustomAudience(name);
    const body = parseJsonBody(response.text) as { id?: unknown } | undefined;
    if (response.status === 200 && typeof body?.id === 'string') {
      return { customAudienceId: body.id };
    }
    const classified = classifyMetaError(response.status, parseJsonBody(response.text));
    throw new DestinationError(
      `Meta did not create the custom audience '${name}': ${classified.partnerMessage ?? `HTTP ${response.status}`}. ${classified.fix}`,
      classified.category,
      classified.partnerCode,
    );
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;
    throw new DestinationError(
      `Meta did not respond to the request to create the custom audience '${name}': ${error.message}. Try again.`,
      error.kind === 'timeout' ? 'timeout' : 'other',
    );
  }
}
