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
  createdAt: string;
  updatedAt: string;
}

/** Builds the API view. `credentialFields` are the names stored, never their values. */
export function toConnectorView(
  row: ConnectorRow,
  credentialFields: string[],
  usage: ConnectorUsage,
): ConnectorView {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    status: row.status,
    health: row.health,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    credentials: Object.fromEntries(credentialFields.map((field) => [field, MASK])),
    usage,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
