import { randomUUID } from 'node:crypto';
import { AppError, badRequest, conflict, notFound } from '../../errors/app-error.js';
import type { Logger } from '../../log/logger.js';
import { destinationUrlRejection } from '../../net/destination-guard.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { AuditRepository } from '../../store/audit-repository.js';
import type { ConnectorRepository, ConnectorRow } from '../../store/connector-repository.js';
import type { Store } from '../../store/store.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { AnyConnectorType, ConnectorCatalog } from '../catalog.js';
import type { ConnectorContextFactory } from '../runtime/connector-context-factory.js';
import type { CredentialCheckResult } from '../connector-type.js';
import { parseConnectorName } from './connector-name.js';
import { type ConnectorView, MASK, toConnectorView } from './connector-view.js';
import { applyMergePatch, changedKeys, type JsonObject } from './merge-patch.js';
import type { TypeValidators } from './type-validators.js';

export interface ConnectorServiceOptions {
  store: Store;
  connectors: ConnectorRepository;
  audit: AuditRepository;
  catalog: ConnectorCatalog;
  validators: TypeValidators;
  secretBox: SecretBox;
  contexts: ConnectorContextFactory;
  allowPrivateDestinations: boolean;
  logger: Logger;
  /** Told about status and credential changes, so deliveries stop and resume at once. */
  lifecycle?: ConnectorLifecycle;
  /** Called after an activation: sends what the connected audiences hold but the partner lacks. */
  resync?: (connectorId: string) => Promise<void>;
  now?: () => Date;
}

/** Hooks the delivery engine implements to follow connector changes. */
export interface ConnectorLifecycle {
  /** Called before the deactivation commits: no partner request may start after this. */
  stopDeliveries(connectorId: string): void;
  /** Drops waiting work of a deactivated connector inside the deactivation transaction. */
  discardWaiting(connectorId: string, transaction: Transaction<Database>): Promise<number>;
  /** Called after any committed change: status, settings, credentials or health. */
  connectorChanged(connectorId: string): void;
  /** Health known only to the running engine (`circuit_open`), overriding the stored one. */
  healthOf(connectorId: string): 'circuit_open' | undefined;
}

export interface CreateConnectorInput {
  type: string;
  name: string;
  settings: JsonObject;
  credentials: JsonObject;
}

export interface PatchConnectorInput {
  name?: string;
  settings?: JsonObject;
  credentials?: JsonObject;
}

/** Configuration of connectors: validation, encryption, the delete guard and the audit trail. */
export class ConnectorService {
  readonly #now: () => Date;

  constructor(private readonly options: ConnectorServiceOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  async create(input: CreateConnectorInput, actor: string): Promise<ConnectorView> {
    const type = this.#requireType(input.type);
    const name = this.#parseName(input.name);
    const settings = this.#checkSettings(type, input.settings);
    this.#checkCredentials(type, input.credentials);
    const at = this.#now().toISOString();
    const row: ConnectorRow = {
      id: randomUUID(),
      type: type.id,
      name: name.name,
      name_key: name.key,
      status: 'active',
      health: 'ok',
      settings: JSON.stringify(settings),
      credentials: this.options.secretBox.seal(input.credentials),
      created_at: at,
      updated_at: at,
      paused_at: null,
    };
    await this.#inTransaction(async (trx) => {
      await this.#rejectDuplicateName(type.id, name.key, undefined, trx);
      await this.options.connectors.insert(row, trx);
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'connector.create',
          entity: 'connector',
          entityId: row.id,
          changes: {
            type: type.id,
            name: name.name,
            settings: Object.keys(settings).sort(),
            credentials: Object.keys(input.credentials).sort(),
          },
        },
        trx,
      );
    });
    this.options.logger.info({ connectorId: row.id, type: type.id, actor }, 'connector created');

    return this.get(row.id);
  }

  async list(): Promise<ConnectorView[]> {
    const rows = await this.options.connectors.list();

    return Promise.all(rows.map((row) => this.#toView(row)));
  }

  async get(id: string): Promise<ConnectorView> {
    return this.#toView(await this.#requireRow(id));
  }

  async patch(id: string, input: PatchConnectorInput, actor: string): Promise<ConnectorView> {
    const row = await this.#requireRow(id);
    const type = this.#requireType(row.type);
    const changes: Record<string, unknown> = {};
    const update: Partial<ConnectorRow> = {};

    if (input.name !== undefined) {
      const name = this.#parseName(input.name);
      if (name.name !== row.name) {
        changes.name = { from: row.name, to: name.name };
        update.name = name.name;
        update.name_key = name.key;
      }
    }
    if (input.settings !== undefined) {
      const before = JSON.parse(row.settings) as JsonObject;
      const after = this.#checkSettings(type, applyMergePatch(before, input.settings));
      const changed = changedKeys(before, after);
      if (changed.length > 0) {
        changes.settings = Object.fromEntries(
          changed.map((key) => [key, { from: before[key] ?? null, to: after[key] ?? null }]),
        );
        update.settings = JSON.stringify(after);
      }
    }
    if (input.credentials !== undefined) {
      const before = this.options.secretBox.open<JsonObject>(row.credentials);
      const after = applyMergePatch(before, keepMaskedSecrets(input.credentials, before));
      this.#checkCredentials(type, after);
      const changed = changedKeys(before, after);
      if (changed.length > 0) {
        changes.credentials = changed;
        update.credentials = this.options.secretBox.seal(after);
        // New credentials resume a connector paused for invalid credentials.
        if (row.health === 'credentials_invalid') update.health = 'ok';
      }
    }
    if (Object.keys(update).length === 0) return this.#toView(row);

    const at = this.#now().toISOString();
    update.updated_at = at;
    await this.#inTransaction(async (trx) => {
      if (update.name_key) await this.#rejectDuplicateName(row.type, update.name_key, row.id, trx);
      await this.options.connectors.update(id, update, trx);
      await this.options.audit.append(
        { at, actor, action: 'connector.update', entity: 'connector', entityId: id, changes },
        trx,
      );
    });
    this.options.lifecycle?.connectorChanged(id);
    this.options.logger.info(
      { connectorId: id, actor, fields: Object.keys(changes) },
      'connector updated',
    );

    return this.get(id);
  }

  async setStatus(
    id: string,
    status: 'active' | 'deactivated',
    actor: string,
  ): Promise<ConnectorView> {
    const row = await this.#requireRow(id);
    if (row.status !== status) {
      const at = this.#now().toISOString();
      const action = status === 'active' ? 'connector.activate' : 'connector.deactivate';
      if (status === 'deactivated') this.options.lifecycle?.stopDeliveries(id);
      await this.#inTransaction(async (trx) => {
        await this.options.connectors.update(id, { status, updated_at: at }, trx);
        const discarded =
          status === 'deactivated'
            ? await this.options.lifecycle?.discardWaiting(id, trx)
            : undefined;
        if (discarded)
          this.options.logger.info({ connectorId: id, discarded }, 'waiting activations discarded');
        await this.options.audit.append(
          {
            at,
            actor,
            action,
            entity: 'connector',
            entityId: id,
            changes: { status: { from: row.status, to: status } },
          },
          trx,
        );
      });
      this.options.lifecycle?.connectorChanged(id);
      this.options.logger.info({ connectorId: id, actor, status }, 'connector status changed');
      if (status === 'active') await this.options.resync?.(id);
    }

    return this.get(id);
  }

  async delete(id: string, actor: string): Promise<void> {
    await this.#inTransaction(async (trx) => {
      const row = await this.options.connectors.findById(id, trx);
      if (!row) throw notFound('connector', id);
      const usage = await this.options.connectors.usage(id, trx);
      if (usage.audiences.length > 0 || usage.journeys.length > 0) {
        throw conflict(
          'CONNECTOR_IN_USE',
          `Connector '${row.name}' is used by ${usage.audiences.length} audience(s) and ` +
            `${usage.journeys.length} journey version(s); detach it from each one listed in usage, then delete it.`,
          { usage },
        );
      }
      await this.options.connectors.delete(id, trx);
      await this.options.audit.append(
        {
          at: this.#now().toISOString(),
          actor,
          action: 'connector.delete',
          entity: 'connector',
          entityId: id,
          changes: { name: row.name, type: row.type },
        },
        trx,
      );
    });
    this.options.logger.info({ connectorId: id, actor }, 'connector deleted');
  }

  /** Runs the type's credential check; success resumes a connector paused for bad credentials. */
  async test(id: string, actor: string): Promise<CredentialCheckResult> {
    const row = await this.#requireRow(id);
    const type = this.#requireType(row.type);
    const { context } = this.options.contexts.create(row, type);
    const result = await type.checkCredentials(context);
    this.options.logger.info(
      {
        connectorId: id,
        actor,
        ok: result.ok,
        category: result.category,
        partnerCode: result.partnerCode,
      },
      'connector credential test finished',
    );
    if (result.ok && row.health === 'credentials_invalid') {
      const at = this.#now().toISOString();
      await this.#inTransaction(async (trx) => {
        await this.options.connectors.update(id, { health: 'ok', updated_at: at }, trx);
        await this.options.audit.append(
          {
            at,
            actor,
            action: 'connector.resume',
            entity: 'connector',
            entityId: id,
            changes: { health: { from: 'credentials_invalid', to: 'ok' } },
          },
          trx,
        );
      });
      this.options.lifecycle?.connectorChanged(id);
    }

    return result;
  }

  #requireType(typeId: string): AnyConnectorType {
    const type = this.options.catalog.get(typeId);
    if (!type) {
      throw badRequest(
        `type '${typeId}' is not in the catalog; use one of: ${this.options.catalog.ids().join(', ')}`,
        'CONNECTOR_TYPE_UNKNOWN',
      );
    }

    return type;
  }

  async #requireRow(id: string): Promise<ConnectorRow> {
    const row = await this.options.connectors.findById(id);
    if (!row) throw notFound('connector', id);

    return row;
  }

  #parseName(value: string): { name: string; key: string } {
    const parsed = parseConnectorName(value);
    if ('error' in parsed) throw badRequest(parsed.error, 'CONNECTOR_NAME_INVALID');

    return parsed;
  }

  #checkSettings(type: AnyConnectorType, settings: JsonObject): JsonObject {
    const problem = this.options.validators.settings(type.id, settings);
    if (problem) throw badRequest(problem, 'CONNECTOR_SETTINGS_INVALID');
    for (const field of urlSettingFields(type)) {
      const value = settings[field];
      if (typeof value !== 'string') continue;
      const rejection = destinationUrlRejection(value, this.options.allowPrivateDestinations);
      if (rejection) {
        throw badRequest(`settings.${field} ${rejection}`, 'CONNECTOR_URL_REJECTED');
      }
    }

    return type.normalizeSettings ? (type.normalizeSettings(settings) as JsonObject) : settings;
  }

  #checkCredentials(type: AnyConnectorType, credentials: JsonObject): void {
    const problem = this.options.validators.credentials(type.id, credentials);
    if (problem) throw badRequest(problem, 'CONNECTOR_CREDENTIALS_INVALID');
  }

  async #rejectDuplicateName(
    type: string,
    nameKey: string,
    exceptId: string | undefined,
    trx: Parameters<ConnectorRepository['findByNameKey']>[2],
  ) {
    const existing = await this.options.connectors.findByNameKey(type, nameKey, trx);
    if (existing && existing.id !== exceptId) {
      throw conflict(
        'CONNECTOR_NAME_TAKEN',
        `A ${type} connector with this name already exists (id ${existing.id}); choose another name.`,
      );
    }
  }

  async #inTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.options.store.db.transaction().execute(work);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (isUniqueViolation(error))
        throw conflict(
          'CONNECTOR_NAME_TAKEN',
          'A connector of this type with this name already exists; choose another name.',
        );
      throw error;
    }
  }

  async #toView(row: ConnectorRow): Promise<ConnectorView> {
    const credentialFields = Object.keys(
      this.options.secretBox.open<JsonObject>(row.credentials),
    ).sort();
    const usage = await this.options.connectors.usage(row.id);

    const health =
      row.health === 'ok' ? (this.options.lifecycle?.healthOf(row.id) ?? 'ok') : row.health;

    const type = this.options.catalog.get(row.type);
    const snippetFor =
      type?.kind === 'tag-based' && type.snippet ? type.snippet.bind(type) : undefined;

    return toConnectorView({ ...row, health }, credentialFields, usage, snippetFor);
  }
}

/** Replaces each `"***"` in a credentials patch with the stored value, so the secret is kept. */
function keepMaskedSecrets(patch: JsonObject, stored: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === MASK) {
      if (!(key in stored))
        throw badRequest(
          `credentials.${key} is '***' but no value is stored; send the secret itself`,
          'CONNECTOR_CREDENTIALS_INVALID',
        );
      result[key] = stored[key];
    } else {
      result[key] = value;
    }
  }

  return result;
}

/** Settings that hold a URL Activator calls (`baseUrl`, a token endpoint): all get the guard. */
function urlSettingFields(type: AnyConnectorType): string[] {
  const properties = type.settingsSchema.properties as Record<string, { format?: string }>;

  return Object.entries(properties)
    .filter(([, schema]) => schema.format === 'uri' || schema.format === 'url')
    .map(([field]) => field);
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;

  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
