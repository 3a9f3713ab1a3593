import { Alert, Anchor, Text } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';
import { ConnectorForm, type ConnectorFormOutput } from './ConnectorForm';

/** Shows the configuration form for a new connector of the type in the URL. */
export function NewConnectorPage() {
  const { typeId = '' } = useParams();
  const navigate = useNavigate();
  const { data: catalog, error, loading, reload } = useApiData(() => api.catalog(), []);

  if (loading && !catalog) return <LoadingState label="Loading the connector type…" />;
  if (error || !catalog) return <ErrorMessage message={error ?? 'No catalog'} onRetry={reload} />;
  const entry = catalog.find((candidate) => candidate.id === typeId);
  if (!entry) {
    return (
      <>
        <PageHeader title="Unknown connector type" />
        <Text>
          The catalog has no type &quot;{typeId}&quot;.{' '}
          <Anchor component={Link} to="/connectors/new">
            Pick one from the catalog
          </Anchor>
          .
        </Text>
      </>
    );
  }

  const create = async (output: ConnectorFormOutput) => {
    const connector = await api.createConnector({ type: entry.id, ...output });
    await navigate(`/connectors/${connector.id}`, { state: { created: true } });
  };

  return (
    <>
      <PageHeader
        title={`New ${entry.name} connector`}
        description={`Type ${entry.id}, ${entry.kind}. After saving, test the connection on the connector's page.`}
      />
      {entry.multipleConfigurations && (
        <Alert color="blue" mb="lg" title="Several connectors allowed">
          This type supports several connectors, such as one per account; the connectors list groups
          them under {entry.name}.
        </Alert>
      )}
      <ConnectorForm entry={entry} submitLabel="Create connector" onSubmit={create} />
    </>
  );
}
