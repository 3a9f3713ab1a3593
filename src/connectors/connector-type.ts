import type { TObject } from 'typebox';
import type { PartnerHttpClient } from '../net/partner-http-client.js';
import type { DeliveryLimits } from './common-settings.js';

/** Whether a type sends data server to server or through a tag in the browser. */
export type ConnectorKind = 'server-to-server' | 'tag-based';

/** Identifier types a profile can carry; partner types add their own ids (`xandrUid`, ...). */
export type IdentifierType = 'email' | 'phone' | 'maid' | 'externalId' | (string & {});

/** Error categories of a failed attempt, as counted in the statistics. */
export type ErrorCategory = 'invalid_credentials' | 'timeout' | 'partner_error' | 'other';

/** Result of a credential check, returned as is by `POST /connectors/:id/test`. */
export interface CredentialCheckResult {
  ok: boolean;
  category?: ErrorCategory;
  partnerCode?: string;
  message?: string;
}

/** Inputs of one call of a type: parsed settings, decrypted credentials and HTTP clients. */
export interface ConnectorContext<Settings, Credentials> {
  settings: Settings;
  credentials: Credentials;
  /** Client with the connector's timeout, `baseUrl` guard and proxy already applied. */
  http: PartnerHttpClient;
  /**
   * A client for another origin of the same partner (an OAuth token endpoint, an upload host),
   * with the same timeout, address guard, proxy and deactivation check.
   */
  httpFor?(baseUrl: string): PartnerHttpClient;
}

/** One profile in a batch, with identifiers already normalized at ingest. */
export interface BatchProfile {
  /** Activation key the outcome is reported against. */
  key: string;
  identifiers: Partial<Record<IdentifierType, string[]>>;
  attributes?: Record<string, unknown>;
  /** Consent per purpose (`advertising`, `email`): `granted`, `denied` or `unknown`. */
  consents?: Record<string, 'granted' | 'denied' | 'unknown'>;
}

/** Consent a type needs before it adds a profile at the partner. */
export interface ConsentRequirement {
  purposes: ('advertising' | 'email')[];
  /** True when an unknown consent is enough; a denied one never is. */
  unknownAllowed: boolean;
}

/** One batch: all profiles go to one destination with one operation. */
export interface Batch<AudienceSettings> {
  operation: 'add' | 'remove';
  destination: AudienceSettings;
  profiles: BatchProfile[];
}

/** A one-line meaning of an error and what the operator usually does about it. */
export interface ErrorExplanation {
  summary: string;
  fix: string;
}

/** Outcome of one profile in one attempt. */
export type ProfileOutcome =
  | { key: string; status: 'added' | 'removed' }
  /**
   * The partner accepted the request and reports per record later; `confirmation` is what
   * `checkConfirmation` needs to ask (a request id, a job id).
   */
  | { key: string; status: 'pending'; confirmation: string }
  | {
      key: string;
      status: 'skipped';
      reason: 'no_identifier' | 'invalid_identifier' | 'no_consent' | 'deactivated';
    }
  | {
      key: string;
      status: 'error';
      category: ErrorCategory;
      retryable: boolean;
      partnerCode?: string;
      partnerMessage?: string;
      httpStatus?: number;
      /** Seconds the partner requested to wait (`Retry-After`), when it sent one. */
      retryAfterSeconds?: number;
      /**
       * True when the partner rejected the whole request for a data problem in some of its rows.
       * The engine splits such a batch in halves to isolate the bad rows.
       */
      bisectable?: boolean;
    };

/**
 * A connector type: one partner integration. Types never touch the queue or the store; the
 * engine gives them a batch, an HTTP client and the decrypted credentials.
 */
export interface ConnectorType<
  Settings = unknown,
  Credentials = unknown,
  AudienceSettings = unknown,
> {
  /** Stable type id, such as `meta-custom-audiences`. */
  id: string;
  name: string;
  kind: ConnectorKind;
  /** Identifier types the sender reads from a profile. */
  identifierTypes: IdentifierType[];
  /** The partner's API origin; a connector's `baseUrl` setting replaces it. */
  defaultBaseUrl: string;
  /**
   * Returns the API origin when it depends on the configuration, such as Mailchimp's data center
   * in the API key. `baseUrl` still wins, and `defaultBaseUrl` applies when this returns undefined.
   */
  baseUrlFor?(settings: Settings, credentials: Credentials): string | undefined;
  /** True when an operator may configure several connectors of this type. */
  multipleConfigurations: boolean;
  /** JSON Schema of the type's own settings; the common settings are added by the catalog. */
  settingsSchema: TObject;
  credentialsSchema: TObject;
  audienceSettingsSchema: TObject;
  /** Consent needed for adds; removals are always sent. */
  consent: ConsentRequirement;
  /** Limits used when the connector sets none. */
  defaults: DeliveryLimits & { maxBatchSize: number };
  /** Rewrites accepted spellings into the stored form (for example strips an `act_` prefix). */
  normalizeSettings?(settings: Settings): Settings;
  checkCredentials(
    context: ConnectorContext<Settings, Credentials>,
  ): Promise<CredentialCheckResult>;
  /** Stable key of the partner audience that audience connection settings point at. */
  destinationKey(settings: AudienceSettings): string;
  /**
   * Creates the partner audience when the connection settings ask for one and returns the
   * settings to store. Throws `DestinationError` with the partner's response when that fails.
   */
  prepareDestination?(
    context: ConnectorContext<Settings, Credentials>,
    settings: AudienceSettings,
  ): Promise<AudienceSettings>;
  /**
   * Asks the partner for the final status of a request it accepted earlier. Returns
   * `done: false` while the partner still processes it.
   */
  checkConfirmation?(
    context: ConnectorContext<Settings, Credentials>,
    confirmation: string,
    batch: Batch<AudienceSettings>,
  ): Promise<ConfirmationStatus>;
  /** HTML that an operator pastes into a site for a tag-based type, built from its settings. */
  snippet?(settings: Settings): string;
  /** Explains a partner error code for error samples: what it means and the usual fix. */
  explainError?(partnerCode: string): ErrorExplanation | undefined;
  sendBatch(
    context: ConnectorContext<Settings, Credentials>,
    batch: Batch<AudienceSettings>,
  ): Promise<BatchResult>;
}

/** Status the partner reports for a request it accepted for later processing. */
export type ConfirmationStatus =
  { done: false; retryAfterSeconds?: number } | { done: true; result: BatchResult };

/** Result of one batch request. */
export interface BatchResult {
  outcomes: ProfileOutcome[];
  /**
   * Rows the partner rejected but reported only as a count (Meta's `num_invalid_entries`); the
   * profiles themselves are reported as accepted.
   */
  invalidEntries?: number;
}

/** Error of a partner that rejected creating or finding a destination; the message names the fix. */
export class DestinationError extends Error {
  constructor(
    message: string,
    readonly category: ErrorCategory,
    readonly partnerCode?: string,
  ) {
    super(message);
    this.name = 'DestinationError';
  }
}
