import { SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { CatalogEntry } from '../../api/types';
import { CatalogCard } from './CatalogCard';

interface CatalogSectionProps {
  title: string;
  description: string;
  entries: CatalogEntry[];
  searching: boolean;
}

/** Lists the catalog entries of one connector kind. */
export function CatalogSection({ title, description, entries, searching }: CatalogSectionProps) {
  const headingId = `catalog-${title.toLowerCase().replace(/\W+/g, '-')}`;

  return (
    <Stack gap="sm" component="section" aria-labelledby={headingId}>
      <div>
        <Title order={2} size="h3" id={headingId}>
          {title}
        </Title>
        <Text c="dimmed" size="sm">
          {description}
        </Text>
      </div>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {searching
            ? 'No connector type of this kind matches the search.'
            : 'No connector type of this kind is available yet.'}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {entries.map((entry) => (
            <CatalogCard key={entry.id} entry={entry} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
