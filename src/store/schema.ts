import type { Generated } from 'kysely';

/** Tables of the store, shared by every SQL dialect. Timestamps are ISO 8601 UTC strings. */
export interface Database {
  connectors: ConnectorTable;
  audit_log: AuditLogTable;
  audiences: AudienceTable;
  audience_connections: AudienceConnectionTable;
  journeys: JourneyTable;
  journey_version_connectors: JourneyVersionConnectorTable;
  activations: ActivationTable;
  delivery_ledger: DeliveryLedgerTable;
  stats_hourly: StatsHourlyTable;
  stats_daily: StatsDailyTable;
  error_samples: ErrorSampleTable;
  profiles: ProfileTable;
  audience_members: AudienceMemberTable;
  destination_counts: DestinationCountTable;
  journey_runs: JourneyRunTable;
  sessions: SessionTable;
  pending_confirmations: PendingConfirmationTable;
  leases: LeaseTable;
  queue_receipts: QueueReceiptTable;
  held_activations: HeldActivationTable;
  queue_gauges: QueueGaugeTable;
  api_tokens: ApiTokenTable;
  activation_claims: ActivationClaimTable;
}

export interface ConnectorTable {
  id: string;
  type: string;
  name: string;
  /** Name after trimming, NFC and case folding; unique per type. */
  name_key: string;
  status: 'active' | 'deactivated';
  health: 'ok' | 'credentials_invalid' | 'circuit_open';
  /** Settings as JSON text. */
  settings: string;
  /** Credentials as JSON, sealed with AES-256-GCM. */
  credentials: string;
  created_at: string;
  updated_at: string;
  /** When deliveries paused for invalid credentials (epoch ms); the retry age clock stops. */
  paused_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  /** Changed fields as JSON, secrets redacted. */
  changes: string;
}

export interface AudienceTable {
  id: string;
  name: string;
  created_at: string;
  /** Membership rule as JSON; null for an audience managed through its members endpoint. */
  rule: string | null;
  /** 1 when the rule changes with time (`within_last_days`) and is re-evaluated hourly. */
  time_dependent: Generated<number>;
}

export interface AudienceConnectionTable {
  audience_id: string;
  connector_id: string;
  settings: string;
  created_at: string;
  /** The partner audience this connection fills, as the queue and ledger key it. */
  destination_key: string | null;
}

export interface JourneyTable {
  id: string;
  name: string;
  created_at: string;
  /** Editable version as JSON. */
  draft: string | null;
  /** Running version as JSON; null until the first publish. */
  published: string | null;
  published_at: string | null;
  updated_at: string | null;
}

/** Which connectors each journey version (`draft` or `published`) sends to. */
export interface JourneyVersionConnectorTable {
  journey_id: string;
  version: 'draft' | 'published';
  connector_id: string;
}

/**
 * The embedded activation queue. A key (connector, destination, profile) has at most one waiting
 * row (`in_flight = 0`), which later enqueues overwrite, and at most one row in flight.
 * Times are Unix epoch milliseconds.
 */
export interface ActivationTable {
  id: Generated<number>;
  connector_id: string;
  /** Stable text form of the destination, such as the custom audience id. */
  destination_key: string;
  /** Destination settings as JSON, handed to the sender. */
  destination: string;
  profile_id: string;
  operation: 'add' | 'remove';
  /** Identifiers and attributes to send, as JSON. */
  profile: string;
  in_flight: 0 | 1;
  /** Claim id while in flight. */
  batch_id: string | null;
  attempts: number;
  next_attempt_at: number;
  /** When the current desired state was enqueued; the retry age counts from here. */
  enqueued_at: number;
  first_enqueued_at: number;
  /** Last failure, as JSON `{ category, partnerCode?, httpStatus? }`. */
  last_error: string | null;
}

/** What each partner holds: the identifiers last accepted per (connector, destination, profile). */
export interface DeliveryLedgerTable {
  connector_id: string;
  destination_key: string;
  profile_id: string;
  identifiers: string;
  updated_at: string;
  /** Destination settings as JSON, so a later removal can be sent without the audience. */
  destination: string | null;
}

/** Counters per connector, UTC hour (`YYYY-MM-DDTHH`) and metric. */
export interface StatsHourlyTable {
  connector_id: string;
  hour: string;
  metric: string;
  count: number;
}

/** Counters per connector, UTC day (`YYYY-MM-DD`) and metric. */
export interface StatsDailyTable {
  connector_id: string;
  day: string;
  metric: string;
  count: number;
}

/** Recent delivery errors of a connector, with identifiers and secrets redacted. */
export interface ErrorSampleTable {
  id: Generated<number>;
  connector_id: string;
  at: string;
  category: string;
  http_status: number | null;
  partner_code: string | null;
  partner_message: string | null;
  batch_size: number;
  summary: string;
  fix: string;
  request: string;
  response: string;
}

/** A stored profile; identifiers, attributes and consents as JSON. */
export interface ProfileTable {
  id: string;
  identifiers: string;
  attributes: string;
  consents: string;
  created_at: string;
  updated_at: string;
}

export interface AudienceMemberTable {
  audience_id: string;
  profile_id: string;
  entered_at: string;
}

/** Profiles the partner accepted per destination, for the audience connection counts. */
export interface DestinationCountTable {
  connector_id: string;
  destination_key: string;
  added: number;
  removed: number;
}

/** Where a profile is in a published journey. `wake_at` is epoch ms. */
export interface JourneyRunTable {
  journey_id: string;
  profile_id: string;
  step_id: string;
  status: 'waiting' | 'done';
  wake_at: number;
  updated_at: string;
}

/** A console session; only the SHA-256 of the session id is stored. `expires_at` is epoch ms. */
export interface SessionTable {
  id_hash: string;
  actor: string;
  role: Generated<TokenRole>;
  /** SHA-256 of the session's CSRF token, which the console echoes in a header. */
  csrf_hash: string | null;
  created_at: string;
  expires_at: number;
}

/**
 * A batch the partner accepted for later processing. Its activations stay claimed (in flight)
 * under `batch_id` until the final status is recorded. Times are epoch ms.
 */
export interface PendingConfirmationTable {
  batch_id: string;
  connector_id: string;
  confirmation: string;
  next_check_at: number;
  created_at: number;
}

/** A named lease: one holder until `expires_at` (epoch ms) unless it renews. */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** A JetStream message whose outcome is recorded. `stream` names the stream and its creation. */
export interface QueueReceiptTable {
  stream: string;
  seq: number;
  settled_at: number;
}

/** An activation of a batch awaiting the partner's confirmation, as the JetStream queue stores it. */
export interface HeldActivationTable {
  batch_id: string;
  activation_key: string;
  connector_id: string;
  subject: string;
  /** The queued item as JSON. */
  item: string;
}

/** Queue figures the delivering process publishes for the others. */
export interface QueueGaugeTable {
  connector_id: string;
  pending_retry: Generated<number>;
  /** Retry age shifts after pauses, as JSON: `[{ before, ms }]`. */
  age_shifts: Generated<string>;
  updated_at: number;
}

/** A batch the embedded queue has out; its rows are listed only in memory. */
export interface ActivationClaimTable {
  batch_id: string;
  connector_id: string;
  activations: number;
  claimed_at: number;
}

/** `admin` may change configuration; `viewer` may only read. */
export type TokenRole = 'admin' | 'viewer';

/** A named API token; only the SHA-256 of the token is stored. */
export interface ApiTokenTable {
  name: string;
  role: TokenRole;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
