import { Alert, Anchor, Button, Divider, Group, Stack, Text } from '@mantine/core';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { ConnectorStatusBadges } from '../../components/connector/ConnectorStatusBadges';
import { StatusToggleButton } from '../../components/connector/StatusToggleButton';
import { TestConnectionButton } from '../../components/connector/TestConnectionButton';
import { UsageLinks } from '../../components/connector/UsageLinks';
import { isInUse } from '../../components/connector/usage-counts';
import { useApiData } from '../../hooks/useApiData';
import { ConnectorAlerts } from './ConnectorAlerts';
import { ConnectorSettings } from './ConnectorSettings';
import { ConnectorSnippet } from './ConnectorSnippet';
import { DeliveryStatistics } from './DeliveryStatistics';
import { ErrorSamplesTable } from './ErrorSamplesTable';

/** Shows one connector: status, connection test, statistics, recent errors and settings. */
export function ConnectorDetailPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created === true;
  const connector = useApiData(() => api.connector(id), [id]);
  const catalog = useApiData(() => api.catalog(), []);
  const samples = useApiData(() => api.errorSamples(id), [id]);

  if (connector.loading && !connector.data) return <LoadingState label="Loading the connector…" />;
  if (!connector.data) {
    return <ErrorMessage message={connector.error ?? 'No connector'} onRetry={connector.reload} />;
  }
  const current = connector.data;
  const entry = catalog.data?.find((candidate) => candidate.id === current.type);

  return (
    <>
      <PageHeader
        title={current.name}
        description={
          <Stack gap={6} component="span">
            <Text span>
              {entry?.name ?? current.type}{' '}
              <Anchor component={Link} to="/connectors" size="sm">
                All connectors
              </Anchor>
            </Text>
            <ConnectorStatusBadges connector={current} />
          </Stack>
        }
        actions={
          <>
            <Button variant="default" size="sm" component={Link} to={`/connectors/${id}/edit`}>
              Edit
            </Button>
            <StatusToggleButton connector={current} onChanged={connector.setData} size="sm" />
          </>
        }
      />
      <Stack gap="xl">
        {created && (
          <Alert color="green" title="Connector created">
            Test the connection to check the credentials with the partner.
          </Alert>
        )}
        {current.health === 'credentials_invalid' && (
          <Alert color="red" title="Credentials invalid">
            The partner refused the credentials, so deliveries are paused; waiting work is kept.
            Enter new credentials with Edit, or run Test connection: a successful test resumes
            deliveries.
          </Alert>
        )}
        {connector.error && <ErrorMessage message={connector.error} onRetry={connector.reload} />}
        <ConnectorAlerts connectorId={id} />
        <TestConnectionButton connectorId={id} onTested={connector.reload} />
        <DeliveryStatistics connectorId={id} samples={samples.data ?? []} />
        <Divider />
        {samples.error ? (
          <ErrorMessage
            title="Recent errors unavailable"
            message={samples.error}
            onRetry={samples.reload}
          />
        ) : samples.data ? (
          <ErrorSamplesTable samples={samples.data} />
        ) : (
          <LoadingState label="Loading recent errors…" />
        )}
        <Divider />
        {current.snippet ? <ConnectorSnippet snippet={current.snippet} /> : null}
        <ConnectorSettings connector={current} entry={entry} />
        <Stack gap="xs" component="section" aria-label="Used by">
          <Group gap="xs">
            <Text fw={600}>Used by</Text>
          </Group>
          {isInUse(current.usage) ? (
            <UsageLinks usage={current.usage} />
          ) : (
            <Text size="sm" c="dimmed">
              No audience or journey uses this connector.
            </Text>
          )}
        </Stack>
      </Stack>
    </>
  );
}
