/** Shapes of the `/api/v1` bodies the console reads and sends. */

/** The subset of JSON Schema that connector types use for their settings and credentials. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  writeOnly?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minProperties?: number;
  maxProperties?: number;
}

export type ConnectorKind = 'server-to-server' | 'tag-based';

export interface CatalogEntry {
  id: string;
  name: string;
  kind: ConnectorKind;
  identifierTypes: string[];
  multipleConfigurations: boolean;
  settingsSchema: JsonSchema;
  credentialsSchema: JsonSchema;
  audienceSettingsSchema: JsonSchema;
}

export interface ConnectorUsage {
  audiences: { id: string; name: string }[];
  journeys: { id: string; name: string; version: 'draft' | 'published' }[];
}

export type ConnectorHealth = 'ok' | 'credentials_invalid' | 'circuit_open';

export interface Connector {
  id: string;
  type: string;
  name: string;
  status: 'active' | 'deactivated';
  health: ConnectorHealth;
  settings: Record<string, unknown>;
  /** Names of the stored credential fields; every value is `***`. */
  credentials: Record<string, '***'>;
  usage: ConnectorUsage;
  /** Code to paste into a site; only tag-based connectors have one. */
  snippet?: string;
  createdAt: string;
  updatedAt: string;
}

export type ErrorCategory = 'invalid_credentials' | 'timeout' | 'partner_error' | 'other';

export type AlertKind = 'credentials_invalid' | 'error_rate' | 'stopped_sending';

/** An open alert of a connector, as `GET /api/v1/alerts` lists it. */
export interface ConnectorAlert {
  id: string;
  connectorId: string;
  connectorName: string;
  connectorType: string;
  kind: AlertKind;
  /** When the alert opened, ISO 8601. */
  since: string;
  /** The measurements that opened the alert. Its keys depend on `kind`. */
  details: Record<string, string | number | null>;
}

export interface CredentialTestResult {
  ok: boolean;
  category?: ErrorCategory;
  partnerCode?: string;
  message?: string;
}

export interface DeliveryCounts {
  added: number;
  removed: number;
  errors: {
    other: number;
    invalidCredentials: number;
    timeout: number;
    /** Failed attempts per partner error code, such as "190" or "100/33". */
    partner: Record<string, number>;
  };
  failed: number;
  skipped: {
    noIdentifier: number;
    invalidIdentifier: number;
    deactivated: number;
    noConsent: number;
  };
}

export interface DayCounts extends DeliveryCounts {
  /** UTC day, YYYY-MM-DD. */
  date: string;
}

export interface DailyStatistics {
  days: DayCounts[];
  totals: DeliveryCounts;
  pendingRetry: number;
}

export type StatisticsWindow = 7 | 30 | 90;

export interface ErrorSample {
  at: string;
  category: string;
  httpStatus?: number;
  partnerCode?: string;
  partnerMessage?: string;
  batchSize: number;
  summary: string;
  fix: string;
  request: unknown;
  response: unknown;
}

export const RULE_OPERATORS = [
  'eq',
  'neq',
  'in',
  'contains',
  'starts_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
  'within_last_days',
  'exists',
] as const;

export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** Operators the service accepts on identifiers, which hold strings only. */
export const IDENTIFIER_OPERATORS: readonly RuleOperator[] = [
  'eq',
  'neq',
  'in',
  'contains',
  'starts_with',
  'exists',
];

export type ScalarValue = string | number | boolean;

export type Rule =
  | { attribute: string; op: RuleOperator; value?: ScalarValue | ScalarValue[] }
  | { identifier: string; op: RuleOperator; value?: ScalarValue | ScalarValue[] }
  | { and: Rule[] }
  | { or: Rule[] }
  | { not: Rule };

export interface AudienceConnection {
  connectorId: string;
  settings: Record<string, unknown>;
  delivered: { added: number; removed: number };
}

export interface Audience {
  id: string;
  name: string;
  rule?: Rule;
  memberCount: number;
  connections: AudienceConnection[];
  createdAt: string;
}

export interface ConnectionInput {
  connectorId: string;
  settings: Record<string, unknown>;
}

export interface CreateAudienceInput {
  name: string;
  rule?: Rule;
  connections: ConnectionInput[];
}

export interface MemberChangeResult {
  added: number;
  removed: number;
  unknownProfiles: string[];
}

export type JourneyTrigger =
  { type: 'audience_entry'; audienceId: string } | { type: 'event'; name: string };

export type JourneyStep =
  | {
      id: string;
      type: 'send';
      connectorId: string;
      operation: 'add' | 'remove';
      settings: Record<string, unknown>;
      next: string;
    }
  | { id: string; type: 'wait'; durationSeconds: number; next: string }
  | { id: string; type: 'condition'; rule: Rule; then: string; else: string }
  | { id: string; type: 'exit' };

export interface JourneyDefinition {
  name: string;
  trigger: JourneyTrigger;
  steps: JourneyStep[];
}

export interface Journey {
  id: string;
  name: string;
  draft: JourneyDefinition;
  published?: JourneyDefinition;
  publishedAt?: string;
  hasUnpublishedChanges: boolean;
  /** Journey runs per status, `waiting` or `done`. */
  runs: Record<string, number>;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  changes: Record<string, unknown>;
}
