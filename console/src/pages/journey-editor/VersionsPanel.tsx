import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Connector, Journey, JourneyDefinition } from '../../api/types';
import { connectorIdsOf } from './journey-draft';

function VersionConnectors({
  title,
  definition,
  connectors,
  note,
}: {
  title: string;
  definition: JourneyDefinition | undefined;
  connectors: Connector[];
  note: string;
}) {
  const ids = definition ? connectorIdsOf(definition) : [];

  return (
    <Paper withBorder p="sm" radius="md" data-testid={`version-${title.toLowerCase()}`}>
      <Stack gap={4}>
        <Text fw={600}>{title}</Text>
        <Text size="xs" c="dimmed">
          {note}
        </Text>
        {!definition ? (
          <Text size="sm">Not published yet.</Text>
        ) : ids.length === 0 ? (
          <Text size="sm">Uses no connector.</Text>
        ) : (
          ids.map((id) => (
            <Anchor key={id} component={Link} to={`/connectors/${id}`} size="sm">
              {connectors.find((connector) => connector.id === id)?.name ?? id}
            </Anchor>
          ))
        )}
      </Stack>
    </Paper>
  );
}

/** Lists the connectors that the saved draft and the published version send through. */
export function VersionsPanel({
  journey,
  connectors,
}: {
  journey: Journey;
  connectors: Connector[];
}) {
  return (
    <Stack gap="xs" component="section" aria-labelledby="versions-heading">
      <Title order={2} size="h4" id="versions-heading">
        Versions
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <VersionConnectors
          title="Draft"
          definition={journey.draft}
          connectors={connectors}
          note={`${journey.draft.steps.length} steps, as last saved.`}
        />
        <VersionConnectors
          title="Published"
          definition={journey.published}
          connectors={connectors}
          note={
            journey.publishedAt
              ? `Published ${journey.publishedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}; this version runs.`
              : 'The journey runs only once published.'
          }
        />
      </SimpleGrid>
    </Stack>
  );
}
