import type { CatalogEntry, ConnectionInput, Connector } from '../../api/types';
import { formValuesToJson } from '../schema-form/schema-fields';
import type { ConnectionDraft } from './ConnectionEditor';

/** Converts a connection draft to the API body, with settings typed by the connector's schema. */
export function toConnectionInput(
  draft: ConnectionDraft,
  connectors: Connector[],
  catalog: CatalogEntry[],
): ConnectionInput {
  const connector = connectors.find((candidate) => candidate.id === draft.connectorId);
  const entry = catalog.find((candidate) => candidate.id === connector?.type);

  return {
    connectorId: draft.connectorId,
    settings: entry ? formValuesToJson(entry.audienceSettingsSchema, draft.values) : {},
  };
}
