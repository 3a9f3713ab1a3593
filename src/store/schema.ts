import type { Generated } from 'kysely';

/** Tables of the store, shared by every SQL dialect. Timestamps are ISO 8601 UTC strings. */
export interface Database {
  connectors: ConnectorTable;
  audit_log: AuditLogTable;
  audiences: AudienceTable;
  audience_connections: AudienceConnectionTable;
  journeys: JourneyTable;
  journey_version_connectors: JourneyVersionConnectorTable;
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
}

export interface AudienceConnectionTable {
  audience_id: string;
  connector_id: string;
  settings: string;
  created_at: string;
}

export interface JourneyTable {
  id: string;
  name: string;
  created_at: string;
}

/** Which connectors each journey version (`draft` or `published`) sends to. */
export interface JourneyVersionConnectorTable {
  journey_id: string;
  version: 'draft' | 'published';
  connector_id: string;
}
