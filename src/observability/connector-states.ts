import type { ConnectorRepository } from '../store/connector-repository.js';
import type { ConnectorTable } from '../store/schema.js';

/** Connector fields that metrics and alerts read: status, health and the queue backlog. */
export interface ConnectorState {
  id: string;
  type: string;
  name: string;
  status: ConnectorTable['status'];
  health: ConnectorTable['health'];
  /** Activations waiting or in flight. */
  pending: number;
}

/** Reads every connector and its queue backlog, with one queue query per connector. */
export async function readConnectorStates(
  connectors: ConnectorRepository,
  pending: (connectorId: string) => Promise<number>,
): Promise<ConnectorState[]> {
  const rows = await connectors.list();

  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      type: row.type,
      name: row.name,
      status: row.status,
      health: row.health,
      pending: await pending(row.id),
    })),
  );
}
