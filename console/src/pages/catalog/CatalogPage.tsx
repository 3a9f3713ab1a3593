import { Group, SegmentedControl, Stack, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/client';
import type { CatalogEntry, ConnectorKind } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';
import { CatalogSection } from './CatalogSection';

type KindFilter = 'all' | ConnectorKind;

const SECTIONS: { kind: ConnectorKind; title: string; description: string }[] = [
  {
    kind: 'server-to-server',
    title: 'Server-to-server',
    description: 'Activator calls the partner API directly with the profiles of an audience.',
  },
  {
    kind: 'tag-based',
    title: 'Tag-based',
    description: 'The partner receives data through a tag on your own pages.',
  },
];

function matchesSearch(entry: CatalogEntry, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [entry.name, entry.id, ...entry.identifierTypes].join(' ').toLowerCase();

  return haystack.includes(needle);
}

/** Shows the New Connector page: the catalog of connector types, with search and a kind filter. */
export function CatalogPage() {
  const { data, error, loading, reload } = useApiData(() => api.catalog(), []);
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<KindFilter>('all');

  const header = (
    <PageHeader
      title="New connector"
      description="Pick the partner to connect. The next page asks for its settings and credentials."
    />
  );
  if (loading && !data)
    return (
      <>
        {header}
        <LoadingState label="Loading the catalog…" />
      </>
    );
  if (error || !data) {
    return (
      <>
        {header}
        <ErrorMessage message={error ?? 'No catalog'} onRetry={reload} />
      </>
    );
  }

  const visible = data.filter((entry) => matchesSearch(entry, search));

  return (
    <>
      {header}
      <Group gap="md" mb="lg" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Partner name or identifier type"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          style={{ flex: '1 1 16rem' }}
          type="search"
        />
        <div>
          <SegmentedControl
            aria-label="Kind"
            value={kind}
            onChange={(value) => setKind(value as KindFilter)}
            data={[
              { value: 'all', label: 'All kinds' },
              { value: 'server-to-server', label: 'Server-to-server' },
              { value: 'tag-based', label: 'Tag-based' },
            ]}
          />
        </div>
      </Group>
      <Stack gap="xl">
        {SECTIONS.filter((section) => kind === 'all' || kind === section.kind).map((section) => (
          <CatalogSection
            key={section.kind}
            title={section.title}
            description={section.description}
            entries={visible.filter((entry) => entry.kind === section.kind)}
            searching={search.trim() !== ''}
          />
        ))}
      </Stack>
    </>
  );
}
