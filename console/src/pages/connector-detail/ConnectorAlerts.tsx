import { Alert, List, Text } from '@mantine/core';
import { useEffect } from 'react';
import { IconBellRinging } from '@tabler/icons-react';
import { api } from '../../api/client';
import type { ConnectorAlert } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useApiData } from '../../hooks/useApiData';

/** The service checks alert conditions every 15 s by default, so a faster refresh shows nothing new. */
const REFRESH_MS = 30_000;

const percent = (value: string | number | null | undefined) =>
  `${Math.round(Number(value) * 100)}%`;

/** Describes an alert in one sentence, with the measurements that opened it. */
function describeAlert(alert: ConnectorAlert): string {
  const details = alert.details;
  switch (alert.kind) {
    case 'credentials_invalid':
      return 'The partner rejects the credentials, so deliveries are paused.';
    case 'error_rate':
      return (
        `${percent(details.errorRate)} of ${details.attempts} attempts failed within ` +
        `${details.windowSeconds} s, at or above the threshold of ${percent(details.threshold)}.`
      );
    case 'stopped_sending':
      return (
        `${details.pending} activations were waiting and nothing was delivered for ` +
        `${details.stoppedAfterSeconds} s.`
      );
  }
}

/**
 * Lists the connector's open alerts above its statistics, and nothing when there are none. The
 * service checks alerts in processes with delivery workers, so an API-only process lists none.
 */
export function ConnectorAlerts({ connectorId }: { connectorId: string }) {
  const alerts = useApiData(() => api.alerts(connectorId), [connectorId]);
  const { reload } = alerts;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);

    return () => clearInterval(timer);
  }, [reload]);

  if (alerts.error) {
    return (
      <ErrorMessage title="Alerts unavailable" message={alerts.error} onRetry={alerts.reload} />
    );
  }
  const items = alerts.data ?? [];
  if (items.length === 0) return null;

  return (
    <Alert
      color="orange"
      title={items.length === 1 ? 'Open alert' : `${items.length} open alerts`}
      icon={<IconBellRinging aria-hidden />}
    >
      <List size="sm" spacing={4}>
        {items.map((alert) => (
          <List.Item key={alert.id} data-alert-kind={alert.kind}>
            {describeAlert(alert)}{' '}
            <Text span size="sm" c="dimmed">
              Open since {alert.since.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC.
            </Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
