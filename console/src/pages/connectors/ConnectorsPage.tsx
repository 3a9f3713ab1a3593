import { Button, Stack } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { api } from '../../api/client';
import type { CatalogEntry, Connector } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';
import { PartnerGroup } from './PartnerGroup';

interface PartnerConnectors {
  typeId: string;
  entry: CatalogEntry | undefined;
  connectors: Connector[];
}

/** Groups connectors by type in catalog order; types that left the catalog come last. */
function groupByType(connectors: Connector[], catalog: CatalogEntry[]): PartnerConnectors[] {
  const groups = new Map<string, PartnerConnectors>();
  for (const entry of catalog) groups.set(entry.id, { typeId: entry.id, entry, connectors: [] });
  for (const connector of connectors) {
    const group = groups.get(connector.type) ?? {
      typeId: connector.type,
      entry: undefined,
      connectors: [],
    };
    group.connectors.push(connector);
    groups.set(connector.type, group);
  }
  const sortByName = (a: Connector, b: Connector) => a.name.localeCompare(b.name);

  return [...groups.values()]
    .filter((group) => group.connectors.length > 0)
    .map((group) => ({ ...group, connectors: group.connectors.sort(sortByName) }));
}

/** Shows the start page: every configured server-to-server connector, grouped by partner. */
export function ConnectorsPage() {
  // The location key changes on every navigation, so a click on the menu entry loads again.
  const { key: locationKey } = useLocation();
  const { data, error, loading, reload } = useApiData(
    () => Promise.all([api.connectors(), api.catalog()]),
    [locationKey],
  );

  const newButton = (
    <Button component={Link} to="/connectors/new">
      New connector
    </Button>
  );
  const header = (
    <PageHeader
      title="Server to Server Connectors"
      description="Each connector is one account at one partner. Audiences and journeys send profiles through them."
      actions={newButton}
    />
  );

  if (loading && !data)
    return (
      <>
        {header}
        <LoadingState label="Loading connectors…" />
      </>
    );
  if (error && !data)
    return (
      <>
        {header}
        <ErrorMessage message={error} onRetry={reload} />
      </>
    );
  const [connectors, catalog] = data ?? [[], []];
  const groups = groupByType(connectors, catalog);

  return (
    <>
      {header}
      {error && <ErrorMessage message={error} onRetry={reload} />}
      {groups.length === 0 ? (
        <EmptyState
          title="No connectors yet"
          description="Pick a partner from the catalog and enter its account settings and credentials."
          action={newButton}
        />
      ) : (
        <Stack gap="lg">
          {groups.map((group) => (
            <PartnerGroup
              key={group.typeId}
              typeId={group.typeId}
              entry={group.entry}
              connectors={group.connectors}
              onChanged={reload}
            />
          ))}
        </Stack>
      )}
    </>
  );
}
