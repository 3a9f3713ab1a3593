import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { DeliveryCounts, metricNames } from '../../statistics/delivery-counts.js';
import type { ConnectorState } from '../connector-states.js';
import { AlertMonitor } from './alert-monitor.js';
import type { AlertNotification } from './alert-notifier.js';

const SETTINGS = {
  errorRate: 0.5,
  errorWindowSeconds: 60,
  errorMinAttempts: 4,
  stoppedAfterSeconds: 30,
};

function connector(change: Partial<ConnectorState> = {}): ConnectorState {
  return {
    id: 'c1',
    type: 'meta-custom-audiences',
    name: 'Meta NL',
    status: 'active',
    health: 'ok',
    pending: 0,
    ...change,
  };
}

/** Builds a monitor over connector states and a clock that the test controls. */
function monitorOf(initial: ConnectorState[]) {
  const clock = { now: 1_000_000 };
  let states = initial;
  let delivers = true;
  const notifications: AlertNotification[] = [];
  const monitor = new AlertMonitor({
    settings: SETTINGS,
    states: async () => states,
    delivers: () => delivers,
    notify: (notification) => notifications.push(notification),
    logger: createLogger('silent'),
    checkEveryMs: 1_000,
    now: () => clock.now,
  });

  return {
    monitor,
    clock,
    notifications,
    setStates: (next: ConnectorState[]) => {
      states = next;
    },
    setDelivers: (value: boolean) => {
      delivers = value;
    },
    record: (counts: DeliveryCounts) => monitor.outcomesRecorded('c1', counts, [], clock.now),
  };
}

const events = (notifications: AlertNotification[]) =>
  notifications.map((notification) => `${notification.event} ${notification.alert.kind}`);

describe('AlertMonitor', () => {
  it('opens error rate at the threshold', async () => {
    const { monitor, notifications, record } = monitorOf([connector({ pending: 2 })]);
    record(new DeliveryCounts().add(metricNames.added, 2).add(metricNames.error('timeout'), 2));

    await monitor.check();
    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened error_rate']);
    expect(notifications[0]?.alert.details).toEqual({
      errorRate: 0.5,
      threshold: 0.5,
      attempts: 4,
      errors: 2,
      windowSeconds: 60,
    });
  });

  it('keeps state with too few attempts', async () => {
    const { monitor, notifications, record, clock } = monitorOf([connector({ pending: 1 })]);
    record(new DeliveryCounts().add(metricNames.partner('613'), 4));
    await monitor.check();
    clock.now += 61_000;
    record(new DeliveryCounts().add(metricNames.added, 1));

    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened error_rate']);
  });

  it('resolves error rate after successes', async () => {
    const { monitor, notifications, record, clock } = monitorOf([connector({ pending: 1 })]);
    record(new DeliveryCounts().add(metricNames.error('other'), 4));
    await monitor.check();
    clock.now += 61_000;
    record(new DeliveryCounts().add(metricNames.added, 4));

    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened error_rate', 'alert.resolved error_rate']);
    expect(notifications[1]?.reason).toBe('recovered');
  });

  it('ignores rejected credentials in error rate', async () => {
    const { monitor, notifications, record } = monitorOf([
      connector({ pending: 4, health: 'credentials_invalid' }),
    ]);
    record(new DeliveryCounts().add(metricNames.error('invalid_credentials'), 4));

    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened credentials_invalid']);
  });

  it('opens stopped sending after quiet time', async () => {
    const { monitor, notifications, clock } = monitorOf([connector({ pending: 3 })]);
    await monitor.check();
    clock.now += 29_000;
    await monitor.check();

    expect(notifications).toEqual([]);

    clock.now += 1_000;
    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened stopped_sending']);
  });

  it('counts skips as progress', async () => {
    const { monitor, notifications, clock, record } = monitorOf([connector({ pending: 3 })]);
    await monitor.check();
    clock.now += 20_000;
    record(new DeliveryCounts().add(metricNames.skipped('no_consent'), 1));
    clock.now += 20_000;

    await monitor.check();

    expect(notifications).toEqual([]);
  });

  it('suppresses stopped sending while paused', async () => {
    const { monitor, notifications, clock } = monitorOf([
      connector({ pending: 3, health: 'credentials_invalid' }),
    ]);
    await monitor.check();
    clock.now += 60_000;

    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened credentials_invalid']);
  });

  it('resolves alerts on deactivation', async () => {
    const { monitor, notifications, setStates } = monitorOf([
      connector({ health: 'credentials_invalid' }),
    ]);
    await monitor.check();
    setStates([connector({ status: 'deactivated', health: 'credentials_invalid' })]);

    await monitor.check();

    expect(events(notifications)).toEqual([
      'alert.opened credentials_invalid',
      'alert.resolved credentials_invalid',
    ]);
    expect(notifications[1]?.reason).toBe('connector_deactivated');
    expect(monitor.openAlerts()).toEqual([]);
  });

  it('resolves alerts on deletion', async () => {
    const { monitor, notifications, setStates } = monitorOf([
      connector({ health: 'credentials_invalid' }),
    ]);
    await monitor.check();
    setStates([]);

    await monitor.check();

    expect(notifications[1]?.reason).toBe('connector_deleted');
    expect(monitor.openAlerts()).toEqual([]);
  });

  it('drops alerts on handover', async () => {
    const { monitor, notifications, setDelivers } = monitorOf([
      connector({ health: 'credentials_invalid' }),
    ]);
    await monitor.check();
    setDelivers(false);

    await monitor.check();

    expect(events(notifications)).toEqual(['alert.opened credentials_invalid']);
    expect(monitor.openAlerts()).toEqual([]);
  });
});
