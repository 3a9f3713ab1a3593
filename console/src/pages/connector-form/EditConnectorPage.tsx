import { Anchor, Text } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { TestConnectionButton } from '../../components/connector/TestConnectionButton';
import { useApiData } from '../../hooks/useApiData';
import { ConnectorForm, type ConnectorFormOutput } from './ConnectorForm';

/** Edits a connector with a JSON merge patch; empty secret fields keep the stored secret. */
export function EditConnectorPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data, error, loading, reload } = useApiData(
    () => Promise.all([api.connector(id), api.catalog()]),
    [id],
  );

  if (loading && !data) return <LoadingState label="Loading the connector…" />;
  if (error || !data) return <ErrorMessage message={error ?? 'No connector'} onRetry={reload} />;
  const [connector, catalog] = data;
  const entry = catalog.find((candidate) => candidate.id === connector.type);
  if (!entry) {
    return (
      <ErrorMessage
        message={`The connector's type '${connector.type}' is no longer in the catalog, so its form cannot be built.`}
      />
    );
  }

  const save = async (output: ConnectorFormOutput) => {
    const patch = {
      name: output.name,
      settings: output.settings,
      ...(Object.keys(output.credentials).length > 0 ? { credentials: output.credentials } : {}),
    };
    await api.patchConnector(connector.id, patch);
    await navigate(`/connectors/${connector.id}`);
  };

  return (
    <>
      <PageHeader
        title={`Edit ${connector.name}`}
        description={
          <Text span>
            {entry.name} ({connector.type}). The type cannot change.{' '}
            <Anchor component={Link} to={`/connectors/${connector.id}`}>
              Back to the connector
            </Anchor>
          </Text>
        }
      />
      <ConnectorForm
        entry={entry}
        connector={connector}
        submitLabel="Save changes"
        onSubmit={save}
        footer={
          <TestConnectionButton
            connectorId={connector.id}
            hint="Tests the saved settings and credentials, not unsaved edits."
          />
        }
      />
    </>
  );
}
