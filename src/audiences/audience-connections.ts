import type { AnyConnectorType, ConnectorCatalog } from '../connectors/catalog.js';
import { DestinationError } from '../connectors/connector-type.js';
import type { TypeValidators } from '../connectors/management/type-validators.js';
import type { ConnectorContextFactory } from '../connectors/runtime/connector-context-factory.js';
import { AppError, badRequest } from '../errors/app-error.js';
import type { ConnectorRepository, ConnectorRow } from '../store/connector-repository.js';
import type { Destination } from './activation-for.js';

/** A connection as the API sends it. */
export interface ConnectionInput {
  connectorId: string;
  settings: Record<string, unknown>;
}

/**
 * Checks a connection against the connector type's audience-connection schema and creates the
 * partner audience when the settings ask for one. `field` names the connection in messages.
 */
export class AudienceConnectionPreparer {
  constructor(
    private readonly options: {
      connectors: ConnectorRepository;
      catalog: ConnectorCatalog;
      validators: TypeValidators;
      contexts: ConnectorContextFactory;
    },
  ) {}

  /**
   * Checks that the connector exists and the settings match its type's schema, without contacting
   * the partner. Returns the connector and its type.
   */
  async check(
    input: ConnectionInput,
    field: string,
  ): Promise<{ row: ConnectorRow; type: AnyConnectorType }> {
    const row = await this.options.connectors.findById(input.connectorId);
    if (!row)
      throw badRequest(`${field}.connectorId: no connector with id '${input.connectorId}' exists`);
    const type = this.options.catalog.get(row.type);
    if (!type)
      throw badRequest(`${field}.connectorId: the connector's type '${row.type}' is not available`);
    const problem = this.options.validators.audienceSettings(type.id, input.settings);
    if (problem) throw badRequest(`${field}.${problem}`, 'AUDIENCE_CONNECTION_INVALID');

    return { row, type };
  }

  async prepare(input: ConnectionInput, field: string): Promise<Destination> {
    const { row, type } = await this.check(input, field);
    let settings = input.settings;
    if (type.prepareDestination) {
      const { context } = this.options.contexts.create(row, type);
      try {
        settings = await type.prepareDestination(context, input.settings);
      } catch (error) {
        if (!(error instanceof DestinationError)) throw error;
        throw new AppError('AUDIENCE_DESTINATION_FAILED', 502, `${field}: ${error.message}`, {
          category: error.category,
          partnerCode: error.partnerCode,
        });
      }
    }

    return { connectorId: row.id, settings, destinationKey: type.destinationKey(settings) };
  }
}
