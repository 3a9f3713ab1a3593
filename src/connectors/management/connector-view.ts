import type { ConnectorRow, ConnectorUsage } from '../../store/connector-repository.js';

export const MASK = '***' as const;

/** A connector as the API returns it: credentials masked, usage included. */
export interface ConnectorView {
  id: string;
  type: string;
  name: string;
  status: 'active' | 'deactivated';
  health: 'ok' | 'credentials_invalid' | 'circuit_open';
  settings: Record<string, unknown>;
  credentials: Record<string, typeof MASK>;
  usage: ConnectorUsage;
  /** HTML to paste into a site; present for tag-based types only. */
  snippet?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Builds the API view. `credentialFields` are the names stored, never their values;
 * `snippetFor` builds the snippet of a tag-based type from the stored settings.
 */
export function toConnectorView(
  row: ConnectorRow,
  credentialFields: string[],
  usage: ConnectorUsage,
  snippetFor?: (settings: Record<string, unknown>) => string,
): ConnectorView {
  const settings = JSON.parse(row.settings) as Record<string, unknown>;

  return {
    id: row.id,
    type: row.type,
    name: row.name,
    status: row.status,
    health: row.health,
    settings,
    credentials: Object.fromEntries(credentialFields.map((field) => [field, MASK])),
    usage,
    ...(snippetFor ? { snippet: snippetFor(settings) } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
