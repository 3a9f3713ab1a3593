import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { CatalogEntry } from '../../api/types';
import { PartnerAvatar } from '../../components/PartnerAvatar';

/** Shows one connector type: name, identifier types, and the link to its configuration form. */
export function CatalogCard({ entry }: { entry: CatalogEntry }) {
  return (
    <Card withBorder radius="md" padding="md" data-testid="catalog-entry" component="article">
      <Stack gap="sm" h="100%" justify="space-between">
        <Stack gap={6}>
          <Group gap="sm" wrap="nowrap">
            <PartnerAvatar typeId={entry.id} name={entry.name} />
            <Text fw={600}>{entry.name}</Text>
          </Group>
          <Group gap={4}>
            {entry.identifierTypes.map((identifier) => (
              <Badge key={identifier} size="xs" variant="light" color="gray">
                {identifier}
              </Badge>
            ))}
          </Group>
          <Text size="xs" c="dimmed">
            {entry.multipleConfigurations
              ? 'Several connectors of this type can exist, such as one per account.'
              : 'Only one connector of this type may be configured.'}
          </Text>
        </Stack>
        <Button
          component={Link}
          to={`/connectors/new/${entry.id}`}
          variant="light"
          aria-label={`Configure ${entry.name}`}
        >
          Configure
        </Button>
      </Stack>
    </Card>
  );
}
