import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { CatalogEntry, Connector } from '../../api/types';
import { PartnerAvatar } from '../../components/PartnerAvatar';
import { ConnectorRow } from './ConnectorRow';

interface PartnerGroupProps {
  typeId: string;
  entry: CatalogEntry | undefined;
  connectors: Connector[];
  onChanged: () => void;
}

/** Lists the connectors of one partner type under the partner's name. */
export function PartnerGroup({ typeId, entry, connectors, onChanged }: PartnerGroupProps) {
  const name = entry?.name ?? typeId;
  const headingId = `partner-${typeId}`;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={headingId}>
      <Group gap="sm" mb="sm" wrap="nowrap">
        <PartnerAvatar typeId={typeId} name={name} />
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Title order={2} size="h4" id={headingId}>
            {name}
          </Title>
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              {typeId}
            </Text>
            {entry?.multipleConfigurations && (
              <Badge size="xs" variant="outline" color="gray">
                several connectors allowed
              </Badge>
            )}
            {!entry && (
              <Badge size="xs" color="red" variant="light">
                type no longer in the catalog
              </Badge>
            )}
          </Group>
        </Stack>
      </Group>
      <Stack gap="xs">
        {connectors.map((connector) => (
          <ConnectorRow
            key={connector.id}
            connector={connector}
            typeName={name}
            onChanged={onChanged}
          />
        ))}
      </Stack>
    </Paper>
  );
}
