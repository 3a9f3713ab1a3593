import { randomUUID } from 'node:crypto';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { TypeValidators } from '../connectors/management/type-validators.js';
import { badRequest, notFound } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { AuditRepository } from '../store/audit-repository.js';
import type { ConnectorRepository } from '../store/connector-repository.js';
import type { JourneyRepository, JourneyRow } from '../store/journey-repository.js';
import type { Store } from '../store/store.js';
import { connectorIdsOf } from './definition/journey-connectors.js';
import type { JourneyDefinition } from './definition/journey-definition.js';
import { validateJourneyDefinition } from './definition/validate-journey.js';

/** A journey as the API returns it. */
export interface JourneyView {
  id: string;
  name: string;
  draft: JourneyDefinition;
  published?: JourneyDefinition;
  publishedAt?: string;
  hasUnpublishedChanges: boolean;
  runs: Record<string, number>;
}

export interface JourneyServiceOptions {
  store: Store;
  journeys: JourneyRepository;
  connectors: ConnectorRepository;
  catalog: ConnectorCatalog;
  validators: TypeValidators;
  audienceExists(id: string): Promise<boolean>;
  audit: AuditRepository;
  logger: Logger;
  now?: () => Date;
}

/** Journey drafts and publishing. Only the published version runs (see `JourneyRunner`). */
export class JourneyService {
  readonly #now: () => Date;

  constructor(private readonly options: JourneyServiceOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  async create(body: unknown, actor: string): Promise<JourneyView> {
    const definition = await this.#validate(body);
    const id = randomUUID();
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.journeys.insert(trx, {
        id,
        name: definition.name,
        created_at: at,
        draft: JSON.stringify(definition),
        published: null,
        published_at: null,
        updated_at: at,
      });
      await this.options.journeys.setVersionConnectors(
        trx,
        id,
        'draft',
        connectorIdsOf(definition),
      );
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'journey.create',
          entity: 'journey',
          entityId: id,
          changes: { name: definition.name },
        },
        trx,
      );
    });
    this.options.logger.info({ journeyId: id, actor }, 'journey created');

    return this.get(id);
  }

  async putDraft(id: string, body: unknown, actor: string): Promise<JourneyView> {
    await this.#require(id);
    const definition = await this.#validate(body);
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.journeys.update(trx, id, {
        name: definition.name,
        draft: JSON.stringify(definition),
        updated_at: at,
      });
      await this.options.journeys.setVersionConnectors(
        trx,
        id,
        'draft',
        connectorIdsOf(definition),
      );
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'journey.update_draft',
          entity: 'journey',
          entityId: id,
          changes: { steps: definition.steps.length },
        },
        trx,
      );
    });

    return this.get(id);
  }

  /** Makes the draft the running version; profiles inside move on by the rule in the README. */
  async publish(id: string, actor: string): Promise<JourneyView> {
    const journey = await this.#require(id);
    const draft = JSON.parse(journey.draft ?? 'null') as JourneyDefinition | null;
    if (!draft) throw badRequest('The journey has no draft to publish.');
    // Connectors may have been deleted or audiences removed since the draft was saved.
    const definition = await this.#validate(draft);
    const at = this.#now().toISOString();
    await this.options.store.db.transaction().execute(async (trx) => {
      await this.options.journeys.update(trx, id, {
        published: JSON.stringify(definition),
        published_at: at,
        updated_at: at,
      });
      await this.options.journeys.setVersionConnectors(
        trx,
        id,
        'published',
        connectorIdsOf(definition),
      );
      await this.options.audit.append(
        {
          at,
          actor,
          action: 'journey.publish',
          entity: 'journey',
          entityId: id,
          changes: { publishedAt: at },
        },
        trx,
      );
    });
    this.options.logger.info({ journeyId: id, actor }, 'journey published');

    return this.get(id);
  }

  async get(id: string): Promise<JourneyView> {
    const journey = await this.#require(id);
    const draft = JSON.parse(journey.draft ?? 'null') as JourneyDefinition;
    const published = journey.published
      ? (JSON.parse(journey.published) as JourneyDefinition)
      : undefined;

    return {
      id: journey.id,
      name: journey.name,
      draft,
      ...(published ? { published, publishedAt: journey.published_at ?? undefined } : {}),
      hasUnpublishedChanges: journey.draft !== journey.published,
      runs: await this.options.journeys.runCounts(id),
    };
  }

  async list(): Promise<JourneyView[]> {
    return Promise.all((await this.options.journeys.list()).map((row) => this.get(row.id)));
  }

  async #validate(body: unknown): Promise<JourneyDefinition> {
    const connectorRows = await this.options.connectors.list();
    const connectorTypes = new Map(connectorRows.map((row) => [row.id, row.type]));
    const audienceIds = new Set<string>();
    const trigger = (body as { trigger?: { audienceId?: unknown } } | null)?.trigger;
    if (
      typeof trigger?.audienceId === 'string' &&
      (await this.options.audienceExists(trigger.audienceId))
    ) {
      audienceIds.add(trigger.audienceId);
    }
    const result = validateJourneyDefinition(body, {
      connectorExists: (connectorId) => connectorTypes.has(connectorId),
      audienceExists: (audienceId) => audienceIds.has(audienceId),
    });
    if ('error' in result) throw badRequest(result.error, 'JOURNEY_INVALID');
    for (const [index, step] of result.definition.steps.entries()) {
      if (step.type !== 'send') continue;
      const typeId = connectorTypes.get(step.connectorId) ?? '';
      if (step.operation === 'send') {
        throw badRequest(
          `steps[${index}].operation: connector type '${typeId}' cannot send profile data; use add or remove`,
          'JOURNEY_INVALID',
        );
      }
      const problem = this.options.validators.audienceSettings(typeId, step.settings);
      if (problem) throw badRequest(`steps[${index}].${problem}`, 'JOURNEY_INVALID');
    }

    return result.definition;
  }

  async #require(id: string): Promise<JourneyRow> {
    const journey = await this.options.journeys.get(id);
    if (!journey) throw notFound('journey', id);

    return journey;
  }
}
