import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryObserver } from '../delivery/delivery-observer.js';
import type { FailureGroup } from '../delivery/failure-groups.js';
import type { ActivationRequest, ClaimedBatch } from '../delivery/queue/activation-queue.js';
import type { Logger } from '../log/logger.js';
import {
  PartnerRequestError,
  type PartnerHttpClient,
  type PartnerRequest,
} from '../net/partner-http-client.js';
import type { DeliveryCounts } from '../statistics/delivery-counts.js';
import type { ConnectorState } from './connector-states.js';

/** Sources of the gauges read at scrape time. Both are optional, so tests can leave them out. */
export interface MetricSources {
  /** Every connector with its queue backlog. */
  connectorStates?: () => Promise<ConnectorState[]>;
  /** Alerts open in this process. */
  openAlerts?: () => readonly { connectorId: string; kind: string }[];
}

const BATCH_SIZE_BUCKETS = [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000];
const PARTNER_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const QUEUE_WAIT_SECONDS_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3_600, 21_600, 86_400];
/** A scrape's gauges share one read of the connectors made within this many ms. */
const STATES_REUSE_MS = 1_000;

/**
 * The service's Prometheus metrics in a registry of its own, so several services in one process
 * (the tests) keep separate counts. The shared process metrics are added when rendering. Labels
 * carry only connector ids, connector type ids, outcome names and HTTP status classes, never a
 * profile identifier, a connector name or a secret.
 */
export class ActivatorMetrics implements DeliveryObserver {
  readonly registry = new Registry();
  readonly #registers = [this.registry];
  #sources: MetricSources = {};
  #statesRead: { at: number; states: Promise<ConnectorState[] | undefined> } | undefined;

  readonly #enqueued = new Counter({
    name: 'activator_activations_enqueued_total',
    help: 'Activations added to the queue, per connector.',
    labelNames: ['connector_id'],
    registers: this.#registers,
  });

  readonly #batchesInFlight = new Gauge({
    name: 'activator_batches_in_flight',
    help: 'Batches this process claimed and has not recorded yet, per connector.',
    labelNames: ['connector_id'],
    registers: this.#registers,
  });

  readonly #activationsInFlight = new Gauge({
    name: 'activator_activations_in_flight',
    help: 'Activations in the batches in flight, per connector.',
    labelNames: ['connector_id'],
    registers: this.#registers,
  });

  readonly #deliveries = new Counter({
    name: 'activator_deliveries_total',
    help:
      'Outcomes of delivery attempts, one per profile per attempt, as in the statistics. ' +
      'outcome is added, removed, skipped or error. reason is the skip reason or error category.',
    labelNames: ['connector_id', 'outcome', 'reason'],
    registers: this.#registers,
  });

  readonly #failed = new Counter({
    name: 'activator_activations_failed_total',
    help: 'Activations that failed for good: a permanent error, or no attempt left.',
    labelNames: ['connector_id'],
    registers: this.#registers,
  });

  readonly #retries = new Counter({
    name: 'activator_retries_total',
    help: 'Activations scheduled for another attempt after a failed one, by error category.',
    labelNames: ['connector_id', 'reason'],
    registers: this.#registers,
  });

  readonly #batchSize = new Histogram({
    name: 'activator_batch_size',
    help: 'Activations per claimed batch.',
    labelNames: ['connector_id'],
    buckets: BATCH_SIZE_BUCKETS,
    registers: this.#registers,
  });

  readonly #queueWait = new Histogram({
    name: 'activator_queue_wait_seconds',
    help:
      'Age of the oldest activation of each claimed batch, from when its current state was ' +
      'enqueued. The age of a retry includes its earlier attempts and backoff.',
    labelNames: ['connector_id'],
    buckets: QUEUE_WAIT_SECONDS_BUCKETS,
    registers: this.#registers,
  });

  readonly #partnerDuration = new Histogram({
    name: 'activator_partner_request_duration_seconds',
    help:
      'Duration of partner HTTP requests, per connector type. status is the HTTP status ' +
      'class (2xx to 5xx) or, without a response, timeout, connection or destination_rejected.',
    labelNames: ['connector_type', 'status'],
    buckets: PARTNER_SECONDS_BUCKETS,
    registers: this.#registers,
  });

  constructor(private readonly logger: Logger) {
    this.#defineCollectedGauges(this.#registers);
  }

  /** Sets the sources of the gauges read at scrape time. */
  useSources(sources: MetricSources): void {
    this.#sources = sources;
  }

  /** Returns the metrics in the Prometheus text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processRegistry(), this.registry]);

    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  enqueued(requests: readonly ActivationRequest[]): void {
    const perConnector = new Map<string, number>();
    for (const request of requests) {
      perConnector.set(request.connectorId, (perConnector.get(request.connectorId) ?? 0) + 1);
    }
    for (const [connectorId, count] of perConnector) {
      this.#enqueued.inc({ connector_id: connectorId }, count);
    }
  }

  batchStarted(batch: ClaimedBatch, _connectorType: string, now: number): void {
    const labels = { connector_id: batch.connectorId };
    this.#batchesInFlight.inc(labels);
    this.#activationsInFlight.inc(labels, batch.activations.length);
    this.#batchSize.observe(labels, batch.activations.length);
    const oldest = Math.min(...batch.activations.map((activation) => activation.enqueuedAt));
    if (Number.isFinite(oldest)) this.#queueWait.observe(labels, Math.max(0, now - oldest) / 1000);
  }

  batchFinished(batch: ClaimedBatch): void {
    const labels = { connector_id: batch.connectorId };
    this.#batchesInFlight.dec(labels);
    this.#activationsInFlight.dec(labels, batch.activations.length);
  }

  outcomesRecorded(
    connectorId: string,
    counts: DeliveryCounts,
    failures: readonly FailureGroup[],
  ): void {
    for (const [name, count] of counts.entries()) {
      if (name === 'failed') {
        this.#failed.inc({ connector_id: connectorId }, count);
        continue;
      }
      const [outcome, reason] = deliveryLabels(name);
      this.#deliveries.inc({ connector_id: connectorId, outcome, reason }, count);
    }
    for (const failure of failures) {
      if (failure.next !== 'retry') continue;
      this.#retries.inc(
        { connector_id: connectorId, reason: failure.category },
        failure.activations,
      );
    }
  }

  /** Wraps a partner HTTP client so every request's duration is observed under its type. */
  readonly instrumentPartnerClient = (
    type: { id: string },
    http: PartnerHttpClient,
  ): PartnerHttpClient => ({
    send: async (request: PartnerRequest) => {
      const started = performance.now();
      const observe = (status: string) =>
        this.#partnerDuration.observe(
          { connector_type: type.id, status },
          (performance.now() - started) / 1000,
        );
      try {
        const response = await http.send(request);
        observe(`${Math.floor(response.status / 100)}xx`);

        return response;
      } catch (error) {
        observe(error instanceof PartnerRequestError ? error.kind : 'error');
        throw error;
      }
    },
  });

  /** Gauges that read the store, the queue or the alert monitor when Prometheus scrapes. */
  #defineCollectedGauges(registers: Registry[]) {
    const connectorInfo: Gauge<'connector_id' | 'connector_type' | 'status' | 'health'> = new Gauge(
      {
        name: 'activator_connector_info',
        help: 'Always 1: one series per connector with its type, status and health, for joins.',
        labelNames: ['connector_id', 'connector_type', 'status', 'health'],
        registers,
        collect: async () => {
          connectorInfo.reset();
          for (const state of (await this.#connectorStatesOfScrape()) ?? []) {
            const { id, type, status, health } = state;
            connectorInfo.set({ connector_id: id, connector_type: type, status, health }, 1);
          }
        },
      },
    );
    const pending: Gauge<'connector_id'> = new Gauge({
      name: 'activator_queue_pending_activations',
      help: 'Activations waiting or in flight, per connector, read from the queue at scrape time.',
      labelNames: ['connector_id'],
      registers,
      collect: async () => {
        pending.reset();
        for (const state of (await this.#connectorStatesOfScrape()) ?? []) {
          pending.set({ connector_id: state.id }, state.pending);
        }
      },
    });
    const alertsOpen: Gauge<'connector_id' | 'kind'> = new Gauge({
      name: 'activator_alerts_open',
      help: 'Always 1: one series per alert open in this process, by connector and alert kind.',
      labelNames: ['connector_id', 'kind'],
      registers,
      collect: () => {
        alertsOpen.reset();
        for (const alert of this.#sources.openAlerts?.() ?? []) {
          alertsOpen.set({ connector_id: alert.connectorId, kind: alert.kind }, 1);
        }
      },
    });
  }

  /**
   * Returns the connector states of the current scrape. The registry collects all metrics at the
   * same time, so the gauges that need the states share one read made within the last second.
   */
  #connectorStatesOfScrape(): Promise<ConnectorState[] | undefined> {
    const now = Date.now();
    if (!this.#statesRead || now - this.#statesRead.at > STATES_REUSE_MS) {
      this.#statesRead = { at: now, states: this.#readConnectorStates() };
    }

    return this.#statesRead.states;
  }

  async #readConnectorStates(): Promise<ConnectorState[] | undefined> {
    const read = this.#sources.connectorStates;
    if (!read) return undefined;
    try {
      return await read();
    } catch (error) {
      this.logger.warn(
        { err: error },
        'metrics scrape could not read the connectors; their gauges are left out',
      );

      return undefined;
    }
  }
}

let sharedProcessRegistry: Registry | undefined;

/**
 * Returns the registry of prom-client's default metrics (CPU, memory, event loop, GC). They
 * describe the process, so services in one process share them instead of each starting its own
 * event loop and GC monitors.
 */
function processRegistry(): Registry {
  if (!sharedProcessRegistry) {
    sharedProcessRegistry = new Registry();
    collectDefaultMetrics({ register: sharedProcessRegistry });
  }

  return sharedProcessRegistry;
}

/** Maps a statistics counter name to the `outcome` and `reason` labels. */
function deliveryLabels(name: string): [outcome: string, reason: string] {
  if (name === 'added' || name === 'removed') return [name, ''];
  const [prefix, rest = ''] = splitOnce(name);
  if (prefix === 'skipped') return ['skipped', rest];
  if (prefix === 'partner') return ['error', 'partner_error'];
  if (prefix === 'error') return ['error', rest];

  return ['other', name];
}

function splitOnce(name: string): [string, string] {
  const dot = name.indexOf('.');

  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
}
