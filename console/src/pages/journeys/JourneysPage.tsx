import { Anchor, Badge, Button, Group, Table } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { api } from '../../api/client';
import type { Connector, JourneyDefinition } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';
import { connectorIdsOf } from '../journey-editor/journey-draft';

function connectorNames(
  definition: JourneyDefinition | undefined,
  connectors: Connector[],
): string {
  if (!definition) return '–';
  const names = connectorIdsOf(definition).map(
    (id) => connectors.find((connector) => connector.id === id)?.name ?? id,
  );

  return names.length === 0 ? 'None' : names.join(', ');
}

/** Lists every journey with its publish state and the connectors each version uses. */
export function JourneysPage() {
  // The location key changes on every navigation, so a click on the menu entry loads again.
  const { key: locationKey } = useLocation();
  const { data, error, loading, reload } = useApiData(
    () => Promise.all([api.journeys(), api.connectors()]),
    [locationKey],
  );
  const newButton = (
    <Button component={Link} to="/journeys/new">
      New journey
    </Button>
  );
  const header = (
    <PageHeader
      title="Journeys"
      description="Steps that profiles go through after a trigger. Only the published version runs."
      actions={newButton}
    />
  );

  if (loading && !data)
    return (
      <>
        {header}
        <LoadingState label="Loading journeys…" />
      </>
    );
  if (!data)
    return (
      <>
        {header}
        <ErrorMessage message={error ?? 'No journeys'} onRetry={reload} />
      </>
    );
  const [journeys, connectors] = data;
  if (journeys.length === 0) {
    return (
      <>
        {header}
        <EmptyState
          title="No journeys yet"
          description="A journey starts when a profile enters an audience or sends an event."
          action={newButton}
        />
      </>
    );
  }

  return (
    <>
      {header}
      {error && <ErrorMessage message={error} onRetry={reload} />}
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover data-testid="journeys-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col" ta="right">
                Steps (draft)
              </Table.Th>
              <Table.Th scope="col">Draft uses</Table.Th>
              <Table.Th scope="col">Published uses</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {journeys.map((journey) => (
              <Table.Tr key={journey.id}>
                <Table.Th scope="row">
                  <Anchor component={Link} to={`/journeys/${journey.id}`}>
                    {journey.name}
                  </Anchor>
                </Table.Th>
                <Table.Td>
                  <Group gap={4}>
                    <Badge variant="light" color={journey.published ? 'green' : 'gray'}>
                      {journey.published ? 'published' : 'draft only'}
                    </Badge>
                    {journey.published && journey.hasUnpublishedChanges && (
                      <Badge variant="light" color="yellow">
                        unpublished changes
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right">{journey.draft.steps.length}</Table.Td>
                <Table.Td>{connectorNames(journey.draft, connectors)}</Table.Td>
                <Table.Td>{connectorNames(journey.published, connectors)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
