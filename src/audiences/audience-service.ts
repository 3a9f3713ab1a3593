import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { Profile } from '../profiles/profile.js';
import type { Rule } from '../rules/rule.js';
import { isTimeDependent } from '../rules/rule-traits.js';
import { validateRule } from '../rules/validate-rule.js';
import type { AuditRepository } from '../store/audit-repository.js';
import type { AudienceRepository, AudienceRow } from '../store/audience-repository.js';
import type { ProfileRepository } from '../store/profile-repository.js';
import type { Store } from '../store/store.js';
import type { Destination } from './activation-for.js';
import type { AudienceConnectionPreparer, ConnectionInput } from './audience-connections.js';
import type { AudienceView } from './audience-view.js';
import type { MembershipChanges } from './membership-changes.js';
import type { MembershipEvaluator } from './membership-evaluator.js';

const MAX_NAME_LENGTH = 200;
/** Member ids read per page when a whole audience is sent to a new or removed connection. */
const MEMBER_PAGE_SIZE = 2_000;

export interface AudienceServiceOptions {
  store: Store;
  audiences: AudienceRepository;
  profiles: ProfileRepository;
  audit: AuditRepository;
  preparer: AudienceConnectionPreparer;
  changes: MembershipChanges;
  evaluator: MembershipEvaluator;
  logger: Logger;
  now?: () => Date;
}

export interface CreateAudienceInput {
  name: string;
  rule?: unknown;
  connections: ConnectionInput[];
}

/** Audiences: rule-based or managed through members, and their connections to connectors. */
export class AudienceService {
  readonly #now: () => Date;

  constructor(private readonly options: AudienceServiceOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  async create(input: CreateAudienceInput, actor: string): Promise<AudienceView> {
    const name = parseName(input.name);
    const rule = input.rule === undefined ? undefined : parseRule(input.rule);
    rejectDuplicateConnectors(input.connections);
    // Every connection is checked before the first partner audience is created, so that a bad
    // connection further down the list leaves nothing behind at the partner.
    // NOTE: a partner that fails to create a later audience still leaves the earlier ones there.
    for (const [index, connection] of input.connections.entries()) {
      await this.options.preparer.check(connection, `connections[${index}]`);
    }
    const destinations: Destination[] = [];
    for (const [index, connection] of input.connections.entries()) {
      destinations.push(await this.options.preparer.prepare(connection, `connections[${index}]`));
    }
    const id = randomUUID();
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.audiences.insert(trx, {
        id,
        name,
        created_at: at,
        rule: rule ? JSON.stringify(rule) : null,
        time_dependent: rule && isTimeDependent(rule) ? 1 : 0,
      });
      for (const destination of destinations) {
        await this.options.audiences.addConnection(trx, connectionRow(id, destination, at));
      }
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'audience.create',
          entity: 'audience',
          entityId: id,
          changes: {
            name,
            rule: rule ?? null,
            connections: destinations.map((d) => d.connectorId),
          },
        },
        trx,
      );
    });
    this.options.logger.info({ audienceId: id, actor }, 'audience created');
    const audience = await this.#require(id);
    if (rule) await this.options.evaluator.evaluateAll(audience);

    return this.get(id);
  }

  async get(id: string): Promise<AudienceView> {
    const audience = await this.#require(id);
    const connections = await this.options.audiences.connections(id);

    return {
      id: audience.id,
      name: audience.name,
      ...(audience.rule ? { rule: JSON.parse(audience.rule) as Rule } : {}),
      memberCount: await this.options.audiences.memberCount(id),
      connections: await Promise.all(
        connections.map(async (connection) => ({
          connectorId: connection.connector_id,
          settings: JSON.parse(connection.settings) as Record<string, unknown>,
          delivered: await this.options.audiences.deliveredCounts(
            connection.connector_id,
            connection.destination_key ?? '',
          ),
        })),
      ),
      createdAt: audience.created_at,
    };
  }

  async list(): Promise<AudienceView[]> {
    const rows = await this.options.audiences.list();

    return Promise.all(rows.map((row) => this.get(row.id)));
  }

  /** Connects the audience to a connector and sends every current member there. */
  async addConnection(id: string, input: ConnectionInput, actor: string): Promise<AudienceView> {
    await this.#require(id);
    const existing = await this.options.audiences.connections(id);
    if (existing.some((connection) => connection.connector_id === input.connectorId)) {
      throw conflict(
        'AUDIENCE_CONNECTION_EXISTS',
        `The audience is already connected to connector '${input.connectorId}'; remove that connection first to change its settings.`,
      );
    }
    const destination = await this.options.preparer.prepare(input, 'body');
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.audiences.addConnection(trx, connectionRow(id, destination, at));
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'audience.connect',
          entity: 'audience',
          entityId: id,
          changes: { connectorId: input.connectorId },
        },
        trx,
      );
    });
    await this.#sendMembers(id, destination, 'add');

    return this.get(id);
  }

  /** Removes a connection; its members are removed from that partner audience. */
  async removeConnection(id: string, connectorId: string, actor: string): Promise<void> {
    await this.#require(id);
    const connection = (await this.options.audiences.connections(id)).find(
      (candidate) => candidate.connector_id === connectorId,
    );
    if (!connection) throw notFound('connection', `${id}/${connectorId}`);
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.audiences.removeConnection(trx, id, connectorId);
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'audience.disconnect',
          entity: 'audience',
          entityId: id,
          changes: { connectorId },
        },
        trx,
      );
    });
    await this.#sendMembers(
      id,
      {
        connectorId,
        settings: JSON.parse(connection.settings) as Record<string, unknown>,
        destinationKey: connection.destination_key ?? '',
      },
      'remove',
    );
  }

  /** Adds and removes members of an audience without a rule. */
  async changeMembers(id: string, add: string[], remove: string[]) {
    const audience = await this.#require(id);
    if (audience.rule) {
      throw badRequest(
        `Audience '${audience.name}' has a rule, so its members follow the rule; change the rule or use an audience without one.`,
        'AUDIENCE_HAS_RULE',
      );
    }
    const profiles = await this.options.profiles.getMany([...new Set([...add, ...remove])]);
    const missing = [...add, ...remove].filter((profileId) => !profiles.has(profileId));
    const members = await this.options.audiences.membersAmong(id, [...profiles.keys()]);
    const entered = unique(add)
      .map((profileId) => profiles.get(profileId))
      .filter((profile): profile is Profile => profile !== undefined && !members.has(profile.id));
    const exited = unique(remove)
      .map((profileId) => profiles.get(profileId))
      .filter((profile): profile is Profile => profile !== undefined && members.has(profile.id));
    await this.options.changes.apply(id, entered, exited);

    return { added: entered.length, removed: exited.length, unknownProfiles: unique(missing) };
  }

  async #sendMembers(id: string, destination: Destination, operation: 'add' | 'remove') {
    let afterId: string | undefined;
    for (;;) {
      const memberIds = await this.options.audiences.memberPage(id, afterId, MEMBER_PAGE_SIZE);
      if (memberIds.length === 0) return;
      const profiles = await this.options.profiles.getMany(memberIds);
      await this.options.changes.send([destination], [...profiles.values()], operation);
      afterId = memberIds[memberIds.length - 1];
    }
  }

  async #require(id: string): Promise<AudienceRow> {
    const audience = await this.options.audiences.get(id);
    if (!audience) throw notFound('audience', id);

    return audience;
  }
}

function parseName(value: string): string {
  const name = value.trim().normalize('NFC');
  if (name.length === 0) throw badRequest('body.name must not be empty');
  if ([...name].length > MAX_NAME_LENGTH) {
    throw badRequest(`body.name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  // PostgreSQL cannot store a NUL in a text column, and no control character belongs in a name.
  if (/\p{Cc}/u.test(name)) {
    throw badRequest('body.name must not contain control characters. Remove them.');
  }

  return name;
}

function parseRule(value: unknown): Rule {
  const result = validateRule(value, 'body.rule');
  if ('error' in result) throw badRequest(result.error, 'AUDIENCE_RULE_INVALID');

  return result.rule;
}

function rejectDuplicateConnectors(connections: ConnectionInput[]) {
  const seen = new Set<string>();
  for (const [index, connection] of connections.entries()) {
    if (seen.has(connection.connectorId)) {
      throw badRequest(
        `connections[${index}].connectorId: connector '${connection.connectorId}' is listed twice; connect each connector once`,
      );
    }
    seen.add(connection.connectorId);
  }
}

function connectionRow(audienceId: string, destination: Destination, at: string) {
  return {
    audience_id: audienceId,
    connector_id: destination.connectorId,
    settings: JSON.stringify(destination.settings),
    created_at: at,
    destination_key: destination.destinationKey,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
