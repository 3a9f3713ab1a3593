import { Anchor, Badge, Button, Table } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { api } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';

/** Lists every audience with its kind, member count and connected connectors. */
export function AudiencesPage() {
  // The location key changes on every navigation, so a click on the menu entry loads again.
  const { key: locationKey } = useLocation();
  const { data, error, loading, reload } = useApiData(
    () => Promise.all([api.audiences(), api.connectors()]),
    [locationKey],
  );
  const newButton = (
    <Button component={Link} to="/audiences/new">
      New audience
    </Button>
  );
  const header = (
    <PageHeader
      title="Audiences"
      description="Profiles selected by a rule or managed through the API, sent to the connected connectors."
      actions={newButton}
    />
  );

  if (loading && !data)
    return (
      <>
        {header}
        <LoadingState label="Loading audiences…" />
      </>
    );
  if (!data)
    return (
      <>
        {header}
        <ErrorMessage message={error ?? 'No audiences'} onRetry={reload} />
      </>
    );
  const [audiences, connectors] = data;
  const connectorName = (id: string) =>
    connectors.find((connector) => connector.id === id)?.name ?? id;

  if (audiences.length === 0) {
    return (
      <>
        {header}
        <EmptyState
          title="No audiences yet"
          description="Create one with a rule, or without one to manage its members through the API."
          action={newButton}
        />
      </>
    );
  }

  return (
    <>
      {header}
      {error && <ErrorMessage message={error} onRetry={reload} />}
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover data-testid="audiences-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Membership</Table.Th>
              <Table.Th scope="col" ta="right">
                Members
              </Table.Th>
              <Table.Th scope="col">Connectors</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {audiences.map((audience) => (
              <Table.Tr key={audience.id}>
                <Table.Th scope="row">
                  <Anchor component={Link} to={`/audiences/${audience.id}`}>
                    {audience.name}
                  </Anchor>
                </Table.Th>
                <Table.Td>
                  <Badge variant="light" color={audience.rule ? 'indigo' : 'gray'}>
                    {audience.rule ? 'rule' : 'managed'}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{audience.memberCount.toLocaleString('en')}</Table.Td>
                <Table.Td>
                  {audience.connections.length === 0
                    ? 'None'
                    : audience.connections
                        .map((connection) => connectorName(connection.connectorId))
                        .join(', ')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
