import { type ApiServer, buildApiServer } from '../api/api-server.js';
import { loadApiToken } from '../auth/api-token.js';
import { TokenStore } from '../auth/token-store.js';
import { SessionStore } from '../auth/session-store.js';
import type { Config } from '../config/config.js';
import { ConfigError } from '../errors/app-error.js';
import { ConnectorCatalog } from '../connectors/catalog.js';
import {
  type ConnectorLifecycle,
  ConnectorService,
} from '../connectors/management/connector-service.js';
import { TypeValidators } from '../connectors/management/type-validators.js';
import { ConnectorContextFactory } from '../connectors/runtime/connector-context-factory.js';
import type { CircuitBreakerOptions } from '../delivery/circuit-breaker.js';
import { DeliveryEngine } from '../delivery/delivery-engine.js';
import { DeliveryLedger } from '../delivery/delivery-ledger.js';
import { OutcomeRecorder } from '../delivery/outcome-recorder.js';
import { PendingConfirmations } from '../delivery/pending-confirmations.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicyOptions } from '../delivery/retry-policy.js';
import { SyncTokens } from '../id-sync/sync-token.js';
import type { Logger } from '../log/logger.js';
import { closeOnce, createOutboundDispatcher } from '../net/partner-http-client.js';
import { SecretBox } from '../secrets/secret-box.js';
import { loadSecretKey } from '../secrets/secret-key.js';
import { ErrorSampleRepository } from '../statistics/error-sample-repository.js';
import { startStatisticsPruning } from '../statistics/statistics-pruning.js';
import { StatisticsRepository } from '../statistics/statistics-repository.js';
import { AuditRepository } from '../store/audit-repository.js';
import { ConnectorRepository } from '../store/connector-repository.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { wireAudiences } from './audience-wiring.js';
import { wireObservability } from './observability-wiring.js';
import { ActivatorMetrics } from '../observability/metrics.js';
import { DEFAULT_LEASE_MS, type DeliveryTopology, openDeliveryTopology } from './delivery-queue.js';
import { createAjv } from '../validation/schema-validator.js';

/** Delivery tuning that tests shorten; production uses the defaults. */
export interface DeliveryTuning {
  lingerMs?: number;
  pollIntervalMs?: number;
  retryPolicy?: RetryPolicyOptions;
  circuitBreaker?: CircuitBreakerOptions;
  /** How often waiting journey runs are checked, in ms. */
  journeyTickMs?: number;
  /** How long a process keeps a connector or the timers without renewing, in ms. */
  leaseMs?: number;
  /** How often the alert conditions are checked, in ms. */
  alertCheckMs?: number;
}

/** The parts a process runs: the API, the deliveries (workers), or both (the default). */
export interface ServiceRoles {
  api: boolean;
  workers: boolean;
}

const BOTH_ROLES: ServiceRoles = { api: true, workers: true };

/** A running service; `close()` stops deliveries, the listener, then the store. */
export interface RunningService {
  app: ApiServer;
  store: Store;
  engine: DeliveryEngine;
  url: string;
  close(): Promise<void>;
}

/** Wires the store, secrets, delivery engine and API together; does not listen. */
export async function createService(
  config: Config,
  logger: Logger,
  tuning: DeliveryTuning = {},
  roles: ServiceRoles = BOTH_ROLES,
): Promise<Omit<RunningService, 'url'>> {
  const store = await openStore(config, logger);
  logger.info({ store: store.location }, 'store opened');
  const secretKey = loadSecretKey(config.secretKey, config.dataDir, config.previousSecretKeys);
  if (secretKey.created) logger.info({ path: secretKey.filePath }, 'secret key file created');
  const apiToken = loadApiToken(config.apiToken, config.dataDir);
  if (apiToken.source === 'file') {
    logger.info({ path: apiToken.filePath, created: apiToken.created }, 'API token read from file');
  }

  const tokens = new TokenStore(store.db);
  if (roles.api) await tokens.ensureBootstrap(apiToken.token);
  const catalog = new ConnectorCatalog();
  const secretBox = new SecretBox(secretKey.key, secretKey.previous);
  const metrics = new ActivatorMetrics(logger);
  const partnerDispatcher = createOutboundDispatcher({
    allowPrivateDestinations: config.allowPrivateDestinations,
    httpProxy: config.httpProxy,
    httpsProxy: config.httpsProxy,
    noProxy: config.noProxy,
  });
  const closePartnerDispatcher = closeOnce(partnerDispatcher);
  const contexts = new ConnectorContextFactory({
    instrument: metrics.instrumentPartnerClient,
    secretBox,
    dispatcher: partnerDispatcher,
    allowPrivateDestinations: config.allowPrivateDestinations,
    viaProxy: config.httpProxy !== undefined || config.httpsProxy !== undefined,
  });
  const audit = new AuditRepository(store.db);
  const connectorRows = new ConnectorRepository(store.db);
  const statistics = new StatisticsRepository(store.db);
  const samples = new ErrorSampleRepository(store.db);
  const topology = await openDeliveryTopology(config, store, logger, tuning.leaseMs);
  const observability = wireObservability({
    config,
    logger,
    metrics,
    store,
    topology,
    connectors: connectorRows,
    workers: roles.workers,
    alertCheckMs: tuning.alertCheckMs,
  });
  const queue = topology.queue;
  const ledger = new DeliveryLedger(store.db, store.sqlite);
  const confirmations = new PendingConfirmations(store.db);
  const engine = new DeliveryEngine({
    store,
    queue,
    catalog,
    connectors: connectorRows,
    contexts,
    ledger,
    confirmations,
    statistics,
    logger: logger.child({ component: 'delivery' }),
    recorder: new OutcomeRecorder({
      db: store.db,
      queue,
      ledger,
      statistics,
      samples,
      confirmations,
      retryPolicy: tuning.retryPolicy ?? DEFAULT_RETRY_POLICY,
    }),
    lingerMs: tuning.lingerMs,
    pollIntervalMs: tuning.pollIntervalMs,
    circuitBreaker: tuning.circuitBreaker,
    ownership: topology.ownership,
    reloadEveryMs: topology.shared ? RELOAD_EVERY_MS : undefined,
    observer: observability.observer,
  });
  const validators = new TypeValidators(catalog, createAjv());
  const audienceParts = wireAudiences({
    store,
    engine,
    ledger,
    catalog,
    connectors: connectorRows,
    contexts,
    validators,
    audit,
    logger,
    journeyTickMs: tuning.journeyTickMs,
    runsTimers: timersGate(roles, topology, tuning.leaseMs ?? DEFAULT_LEASE_MS),
  });
  const connectors = new ConnectorService({
    store,
    connectors: connectorRows,
    audit,
    catalog,
    validators,
    secretBox,
    contexts,
    allowPrivateDestinations: config.allowPrivateDestinations,
    logger,
    lifecycle: announcing(engine, topology),
    resync: (connectorId) => audienceParts.resync.resync(connectorId),
  });
  const app = await buildApiServer({
    logger,
    verifyToken: (token) => tokens.verify(token),
    serveApi: roles.api,
    requestsPerMinute: config.requestsPerMinute,
    catalog,
    connectors,
    audit,
    statistics: {
      statistics,
      samples,
      connectorExists: async (id) => (await connectorRows.findById(id)) !== undefined,
      pendingRetry: (id) => queue.pendingRetry(id),
    },
    profiles: audienceParts.profiles,
    audiences: audienceParts.audiences,
    journeys: audienceParts.journeys,
    runner: audienceParts.runner,
    sessions: new SessionStore(store.db),
    syncTokens: new SyncTokens(secretKey.key),
    extraRoutes: observability.routes,
  });
  if (roles.workers) await engine.start();
  const stopPruning = startStatisticsPruning({ statistics, logger });

  return {
    app,
    store,
    engine,
    async close() {
      await stopPruning();
      await audienceParts.stop();
      await engine.stop();
      await observability.close();
      await topology.close();
      await app.close();
      // Lets a request still in flight end (at the partner timeout at most), then closes the
      // idle keep-alive connections, which would otherwise stay open for their idle timeout.
      await closePartnerDispatcher();
      await store.close();
    },
  };
}

/** Wraps the engine's lifecycle hooks so that each change is also announced to other processes. */
function announcing(engine: DeliveryEngine, topology: DeliveryTopology): ConnectorLifecycle {
  topology.onChange?.((connectorId) => engine.connectorChanged(connectorId));

  return {
    stopDeliveries(connectorId) {
      engine.stopDeliveries(connectorId);
      topology.announceChange?.(connectorId);
    },
    discardWaiting: (connectorId, transaction) => engine.discardWaiting(connectorId, transaction),
    connectorChanged(connectorId) {
      engine.connectorChanged(connectorId);
      topology.announceChange?.(connectorId);
    },
    healthOf: (connectorId) => engine.healthOf(connectorId),
  };
}

/** Lanes re-read their connector this often when other processes share the store, in ms. */
const RELOAD_EVERY_MS = 1_000;

/** Timers run only in processes with workers, and in one of them when the store is shared. */
function timersGate(roles: ServiceRoles, topology: DeliveryTopology, leaseMs: number) {
  if (!roles.workers) return async () => false;
  const shared = topology.shared;
  if (!shared) return async () => true;

  return () => shared.leases.acquire('timers', shared.workerId, leaseMs);
}

/** Starts the service and listens on `HOST:PORT`; `workers: false` serves the API only. */
export async function startService(
  config: Config,
  logger: Logger,
  options: { workers?: boolean } = {},
): Promise<RunningService> {
  const workers = options.workers ?? true;
  if (!workers) requireSharedStore(config, 'serve --no-workers');
  const service = await createService(config, logger, {}, { api: true, workers });
  try {
    const url = await service.app.listen({ port: config.port, host: config.host });
    logger.info({ url, dataDir: config.dataDir, workers }, 'activator started');

    return { ...service, url };
  } catch (error) {
    await service.close();
    throw error;
  }
}

/** Starts a delivery-only process: no listener, the queue's work and the timers. */
export async function startWorker(
  config: Config,
  logger: Logger,
  options: { port?: number } = {},
): Promise<Omit<RunningService, 'url'> & { url?: string }> {
  requireSharedStore(config, 'worker');
  const service = await createService(config, logger, {}, { api: false, workers: true });
  let url: string | undefined;
  if (options.port !== undefined) {
    // Health, readiness, metrics and alerts only; the API stays with the serve processes.
    try {
      url = await service.app.listen({ port: options.port, host: config.host });
    } catch (error) {
      await service.close();
      throw error;
    }
  }
  logger.info({ queue: config.natsUrl ? 'jetstream' : 'store', url }, 'activator worker started');

  return { ...service, url };
}

/**
 * Separate API and worker processes need a store and a queue they can share: PostgreSQL and
 * JetStream. The queue in the store serves one delivering process only.
 */
function requireSharedStore(config: Config, command: string): void {
  let missing: string | undefined;
  if (!config.databaseUrl) missing = 'DATABASE_URL';
  else if (!config.natsUrl) missing = 'NATS_URL';
  if (!missing) return;
  throw new ConfigError(
    missing,
    `\`activator ${command}\` runs next to other processes and needs a shared PostgreSQL ` +
      'store (DATABASE_URL) and a JetStream queue (NATS_URL); see "Running at scale" in the README.',
  );
}
