import { randomUUID } from 'node:crypto';
import type { AlertConfig } from '../../config/config.js';
import type { Logger } from '../../log/logger.js';
import type { DeliveryCounts } from '../../statistics/delivery-counts.js';
import type { ConnectorState } from '../connector-states.js';
import { ALERT_KINDS, type Alert, type AlertKind } from './alert.js';
import type { AlertNotification } from './alert-notifier.js';
import { AttemptWindow } from './attempt-window.js';

export interface AlertMonitorOptions {
  settings: Omit<AlertConfig, 'webhook'>;
  /** Every connector with its queue backlog. */
  states: () => Promise<ConnectorState[]>;
  /** True while this process delivers the connector, because only then do its outcomes arrive. */
  delivers: (connectorId: string) => boolean;
  notify?: (notification: AlertNotification) => void;
  logger: Logger;
  /** How often the conditions are checked, in ms. */
  checkEveryMs: number;
  now?: () => number;
}

/**
 * A condition's state after one check: `details` while it holds, `false` when it does not, and
 * `undefined` when too few attempts were made to decide, which keeps the alert as it is.
 */
type ConditionState = Alert['details'] | false | undefined;

/** Delivery activity of one connector in this process, as the monitor tracks it. */
interface Activity {
  window: AttemptWindow;
  /** Last time an outcome moved work out of the queue: added, removed or skipped. */
  lastProgressAt?: number;
  /** First check that found work pending, since the backlog was last empty. */
  pendingSince?: number;
}

/**
 * Opens and resolves the per-connector alerts. Outcomes arrive from the delivery engine as they
 * are recorded, and a timer checks the conditions every `checkEveryMs`. Each change of state sends
 * one notification, so a failing partner produces one `alert.opened` and, once it recovers, one
 * `alert.resolved`, however many requests fail in between.
 */
export class AlertMonitor {
  readonly #activity = new Map<string, Activity>();
  readonly #open = new Map<string, Alert>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(private readonly options: AlertMonitorOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Open alerts, oldest first. */
  openAlerts(): Alert[] {
    return [...this.#open.values()].sort((a, b) => a.since.localeCompare(b.since));
  }

  /** Adds one recorded attempt's counts. Failed `invalid_credentials` attempts are left out. */
  outcomesRecorded(connectorId: string, counts: DeliveryCounts, _failures: unknown, now: number) {
    let delivered = 0;
    let skipped = 0;
    let errors = 0;
    for (const [name, count] of counts.entries()) {
      if (name === 'added' || name === 'removed') delivered += count;
      else if (name.startsWith('skipped.')) skipped += count;
      else if (name.startsWith('partner.')) errors += count;
      // Rejected credentials have an alert of their own, so they do not raise the error rate.
      else if (name.startsWith('error.') && name !== 'error.invalid_credentials') errors += count;
    }
    const activity = this.#activityOf(connectorId);
    activity.window.add(now, delivered + errors, errors);
    if (delivered + skipped > 0) activity.lastProgressAt = now;
  }

  start(): void {
    this.#schedule();
  }

  /** Stops the timer and waits for a check in progress. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#checking;
  }

  /** Checks every connector once. The timer calls this, and tests may too. */
  async check(): Promise<void> {
    const states = await this.options.states();
    const now = this.#now();
    const present = new Set(states.map((state) => state.id));
    for (const alert of this.#open.values()) {
      if (!present.has(alert.connectorId)) this.#resolve(alert, now, 'connector_deleted');
    }
    for (const connectorId of this.#activity.keys()) {
      if (!present.has(connectorId)) this.#activity.delete(connectorId);
    }
    for (const state of states) {
      if (!this.options.delivers(state.id)) {
        this.#handOver(state.id);
        continue;
      }
      const conditions = this.#conditions(state, now);
      for (const kind of ALERT_KINDS) {
        const condition = conditions[kind];
        const open = this.#open.get(alertKey(state.id, kind));
        if (condition && !open) this.#openAlert(state, kind, condition, now);
        if (condition === false && open) {
          this.#resolve(
            open,
            now,
            state.status === 'active' ? 'recovered' : 'connector_deactivated',
          );
        }
      }
    }
  }

  #conditions(state: ConnectorState, now: number): Record<AlertKind, ConditionState> {
    if (state.status !== 'active') {
      this.#activityOf(state.id).pendingSince = undefined;

      return { credentials_invalid: false, error_rate: false, stopped_sending: false };
    }
    const credentialsInvalid = state.health === 'credentials_invalid';

    return {
      credentials_invalid: credentialsInvalid ? { health: state.health } : false,
      error_rate: this.#errorRate(state, now),
      // A connector paused for its credentials sends nothing, and its own alert gives the reason.
      stopped_sending: this.#stoppedSending(state, now, credentialsInvalid),
    };
  }

  #errorRate(state: ConnectorState, now: number): ConditionState {
    const { errorRate, errorMinAttempts, errorWindowSeconds } = this.options.settings;
    const { attempts, errors } = this.#activityOf(state.id).window.totals(now);
    if (attempts < errorMinAttempts) {
      // An idle connector with nothing left to send has recovered. Otherwise wait for attempts.
      return attempts === 0 && state.pending === 0 ? false : undefined;
    }
    const rate = errors / attempts;
    if (rate < errorRate) return false;

    return {
      errorRate: Math.round(rate * 1000) / 1000,
      threshold: errorRate,
      attempts,
      errors,
      windowSeconds: errorWindowSeconds,
    };
  }

  #stoppedSending(state: ConnectorState, now: number, paused: boolean): ConditionState {
    const activity = this.#activityOf(state.id);
    if (state.pending === 0) {
      activity.pendingSince = undefined;

      return false;
    }
    activity.pendingSince ??= now;
    const quietSince = Math.max(activity.pendingSince, activity.lastProgressAt ?? 0);
    const stoppedAfterMs = this.options.settings.stoppedAfterSeconds * 1000;
    if (paused || now - quietSince < stoppedAfterMs) return false;

    return {
      pending: state.pending,
      lastDeliveredAt:
        activity.lastProgressAt === undefined
          ? null
          : new Date(activity.lastProgressAt).toISOString(),
      stoppedAfterSeconds: this.options.settings.stoppedAfterSeconds,
    };
  }

  #openAlert(state: ConnectorState, kind: AlertKind, details: Alert['details'], now: number) {
    const alert: Alert = {
      id: randomUUID(),
      connectorId: state.id,
      connectorName: state.name,
      connectorType: state.type,
      kind,
      since: new Date(now).toISOString(),
      details,
    };
    this.#open.set(alertKey(state.id, kind), alert);
    this.options.logger.warn({ connectorId: state.id, kind, details }, 'alert opened');
    this.options.notify?.({ event: 'alert.opened', alert });
  }

  #resolve(alert: Alert, now: number, reason: NonNullable<AlertNotification['reason']>) {
    this.#open.delete(alertKey(alert.connectorId, alert.kind));
    this.options.logger.info(
      { connectorId: alert.connectorId, kind: alert.kind, since: alert.since, reason },
      'alert resolved',
    );
    this.options.notify?.({
      event: 'alert.resolved',
      alert,
      resolvedAt: new Date(now).toISOString(),
      reason,
    });
  }

  /**
   * Another process delivers the connector now and checks its alerts. The alerts this process
   * opened are dropped without a notification, so the new process may open them again.
   */
  #handOver(connectorId: string) {
    this.#activity.delete(connectorId);
    for (const kind of ALERT_KINDS) {
      if (this.#open.delete(alertKey(connectorId, kind))) {
        this.options.logger.info(
          { connectorId, kind },
          'alert dropped: another process delivers the connector now',
        );
      }
    }
  }

  #activityOf(connectorId: string): Activity {
    let activity = this.#activity.get(connectorId);
    if (!activity) {
      activity = { window: new AttemptWindow(this.options.settings.errorWindowSeconds * 1000) };
      this.#activity.set(connectorId, activity);
    }

    return activity;
  }

  #schedule() {
    this.#timer = setTimeout(() => {
      this.#checking = this.check()
        .catch((error: unknown) => {
          this.options.logger.error(
            { err: error },
            'alert check failed; retrying at the next interval',
          );
        })
        .finally(() => {
          this.#checking = undefined;
          if (this.#timer !== undefined) this.#schedule();
        });
    }, this.options.checkEveryMs);
    this.#timer.unref();
  }
}

function alertKey(connectorId: string, kind: AlertKind): string {
  return `${connectorId}:${kind}`;
}
