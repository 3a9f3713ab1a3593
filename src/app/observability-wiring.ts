import { sql } from 'kysely';
import { observabilityRoutes } from '../api/routes/observability-routes.js';
import type { Config } from '../config/config.js';
import type { DeliveryObserver } from '../delivery/delivery-observer.js';
import type { Logger } from '../log/logger.js';
import { closeOnce, createOutboundDispatcher } from '../net/partner-http-client.js';
import { AlertMonitor } from '../observability/alerts/alert-monitor.js';
import { WebhookAlertNotifier } from '../observability/alerts/alert-notifier.js';
import { readConnectorStates } from '../observability/connector-states.js';
import { ActivatorMetrics } from '../observability/metrics.js';
import type { ReadinessCheck } from '../observability/readiness.js';
import type { ConnectorRepository } from '../store/connector-repository.js';
import type { Store } from '../store/store.js';
import type { DeliveryTopology } from './delivery-queue.js';

/** How often the alert conditions are checked by default, in ms. */
export const DEFAULT_ALERT_CHECK_MS = 15_000;

export interface ObservabilityParts {
  config: Config;
  logger: Logger;
  /** Created before the connector contexts, which time partner requests with it. */
  metrics: ActivatorMetrics;
  store: Store;
  topology: DeliveryTopology;
  connectors: ConnectorRepository;
  /** Alerts are checked only in processes with workers, because only they see outcomes. */
  workers: boolean;
  alertCheckMs?: number;
}

/**
 * Connects metrics, readiness and alerts to the service: the delivery observer for the engine,
 * the routes for the API server, and `close()`.
 */
export function wireObservability(parts: ObservabilityParts) {
  const { config, logger, metrics, topology } = parts;
  const states = () =>
    readConnectorStates(parts.connectors, (connectorId) => topology.queue.pending(connectorId));
  const webhook = config.alerts.webhook;
  const dispatcher = webhook ? createOutboundDispatcher(config) : undefined;
  const notifier =
    webhook && dispatcher
      ? new WebhookAlertNotifier({
          url: webhook.url,
          secret: webhook.secret,
          dispatcher,
          allowPrivateDestinations: config.allowPrivateDestinations,
          viaProxy: config.httpProxy !== undefined || config.httpsProxy !== undefined,
          logger: logger.child({ component: 'alerts' }),
        })
      : undefined;
  const monitor = parts.workers
    ? new AlertMonitor({
        settings: config.alerts,
        states,
        delivers: (connectorId) => topology.ownership.delivers(connectorId),
        notify: notifier ? (notification) => notifier.notify(notification) : undefined,
        logger: logger.child({ component: 'alerts' }),
        checkEveryMs: parts.alertCheckMs ?? DEFAULT_ALERT_CHECK_MS,
      })
    : undefined;
  const openAlerts = () => monitor?.openAlerts() ?? [];
  metrics.useSources({ connectorStates: states, openAlerts });
  monitor?.start();

  const observer: DeliveryObserver = {
    enqueued: (requests) => metrics.enqueued(requests),
    batchStarted: (batch, type, now) => metrics.batchStarted(batch, type, now),
    batchFinished: (batch) => metrics.batchFinished(batch),
    outcomesRecorded(connectorId, counts, failures, now) {
      metrics.outcomesRecorded(connectorId, counts, failures);
      monitor?.outcomesRecorded(connectorId, counts, failures, now);
    },
  };
  const readinessChecks: ReadinessCheck[] = [
    {
      name: 'store',
      run: async () => {
        await sql`select 1`.execute(parts.store.db);
      },
      failureMessage: 'The store did not answer a trivial query.',
    },
    {
      name: 'queue',
      run: () => topology.checkQueue(),
      failureMessage: 'The activation queue cannot be reached.',
    },
  ];

  const closeDispatcher = closeOnce(dispatcher);

  return {
    observer,
    routes: observabilityRoutes({ metrics, readinessChecks, openAlerts, logger }),
    async close() {
      await monitor?.stop();
      await notifier?.close();
      await closeDispatcher();
    },
  };
}
