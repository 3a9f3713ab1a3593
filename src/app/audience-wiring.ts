import { AudienceConnectionPreparer } from '../audiences/audience-connections.js';
import { AudienceService } from '../audiences/audience-service.js';
import { MembershipChanges } from '../audiences/membership-changes.js';
import { MembershipEvaluator } from '../audiences/membership-evaluator.js';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { TypeValidators } from '../connectors/management/type-validators.js';
import type { ConnectorContextFactory } from '../connectors/runtime/connector-context-factory.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import type { DeliveryLedger } from '../delivery/delivery-ledger.js';
import { JourneyRunner } from '../journeys/journey-runner.js';
import { JourneyService } from '../journeys/journey-service.js';
import type { Logger } from '../log/logger.js';
import { ProfileService } from '../profiles/profile-service.js';
import { AudienceRepository } from '../store/audience-repository.js';
import type { AuditRepository } from '../store/audit-repository.js';
import type { ConnectorRepository } from '../store/connector-repository.js';
import { JourneyRepository } from '../store/journey-repository.js';
import { ProfileRepository } from '../store/profile-repository.js';
import type { Store } from '../store/store.js';
import { ConnectorResync } from '../audiences/connector-resync.js';

/** How often rules that change with time are evaluated again, in ms. */
const TIME_RULE_INTERVAL_MS = 3_600_000;

/** Builds profiles, audiences and journeys on top of the delivery engine. */
export function wireAudiences(options: {
  store: Store;
  engine: DeliveryEngine;
  ledger: DeliveryLedger;
  catalog: ConnectorCatalog;
  connectors: ConnectorRepository;
  contexts: ConnectorContextFactory;
  validators: TypeValidators;
  audit: AuditRepository;
  logger: Logger;
  journeyTickMs?: number;
  /**
   * Whether this process runs the timers (journey waits, time-based audiences) now. Several
   * processes on one store let one of them run each tick. Default: always.
   */
  runsTimers?: () => Promise<boolean>;
}) {
  const runsTimers = options.runsTimers ?? (async () => true);
  const { store, engine, logger } = options;
  const audienceRows = new AudienceRepository(store.db);
  const profileRows = new ProfileRepository(store.db, store.sqlite);
  const journeyRows = new JourneyRepository(store.db);
  const changes = new MembershipChanges({ store, audiences: audienceRows, engine, logger });
  const evaluator = new MembershipEvaluator({
    audiences: audienceRows,
    profiles: profileRows,
    changes,
    logger,
  });
  const runner = new JourneyRunner({
    journeys: journeyRows,
    profiles: profileRows,
    connectors: options.connectors,
    catalog: options.catalog,
    engine,
    logger: logger.child({ component: 'journeys' }),
    tickMs: options.journeyTickMs,
    runsTimers,
  });
  changes.onEntry((audienceId, profiles) => runner.audienceEntered(audienceId, profiles));
  const audiences = new AudienceService({
    store,
    audiences: audienceRows,
    profiles: profileRows,
    audit: options.audit,
    preparer: new AudienceConnectionPreparer(options),
    changes,
    evaluator,
    logger,
  });
  const journeys = new JourneyService({
    store,
    journeys: journeyRows,
    connectors: options.connectors,
    catalog: options.catalog,
    validators: options.validators,
    audienceExists: async (id) => (await audienceRows.get(id)) !== undefined,
    audit: options.audit,
    logger,
  });
  const profiles = new ProfileService({
    store,
    profiles: profileRows,
    audiences: audienceRows,
    journeys: journeyRows,
    ledger: options.ledger,
    evaluator,
    engine,
    logger,
  });
  const resync = new ConnectorResync({
    audiences: audienceRows,
    profiles: profileRows,
    ledger: options.ledger,
    changes,
    logger,
  });
  const timer = setInterval(() => {
    const evaluation = runsTimers().then(async (runs) => {
      if (runs) await evaluator.evaluateTimeDependent();
    });
    evaluation.catch((error: unknown) => {
      logger.error({ err: error }, 'time-based audience evaluation failed; retrying in an hour');
    });
  }, TIME_RULE_INTERVAL_MS);
  timer.unref();
  runner.start();

  return {
    profiles,
    audiences,
    journeys,
    runner,
    resync,
    async stop() {
      clearInterval(timer);
      await runner.stop();
    },
  };
}
