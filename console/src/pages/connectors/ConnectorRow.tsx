import { Anchor, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Connector } from '../../api/types';
import { ConnectorStatusBadges } from '../../components/connector/ConnectorStatusBadges';
import { StatusToggleButton } from '../../components/connector/StatusToggleButton';
import { describeUsageCounts } from '../../components/connector/usage-counts';
import { DeleteConnectorControl } from './DeleteConnectorControl';
import { DeliverySparkline } from './DeliverySparkline';

interface ConnectorRowProps {
  connector: Connector;
  typeName: string;
  onChanged: () => void;
}

/** Shows one connector: name, type, status, usage, a 7-day sparkline and its actions. */
export function ConnectorRow({ connector, typeName, onChanged }: ConnectorRowProps) {
  return (
    <Paper
      withBorder
      radius="sm"
      p="sm"
      data-testid="connector-row"
      data-connector-id={connector.id}
      aria-label={`Connector ${connector.name}`}
      component="article"
    >
      <Group justify="space-between" align="flex-start" gap="md">
        <Stack gap={4} style={{ flex: '1 1 16rem', minWidth: 0 }}>
          <Anchor component={Link} to={`/connectors/${connector.id}`} fw={600}>
            {connector.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {typeName}
          </Text>
          <ConnectorStatusBadges connector={connector} />
          <Text size="sm" data-testid="usage-counts">
            Used by {describeUsageCounts(connector.usage)}
          </Text>
        </Stack>
        <DeliverySparkline connectorId={connector.id} />
        <Group gap="xs" style={{ flex: '0 1 auto' }}>
          <Button
            size="xs"
            variant="default"
            component={Link}
            to={`/connectors/${connector.id}/edit`}
          >
            Edit
          </Button>
          <StatusToggleButton connector={connector} onChanged={onChanged} />
          <DeleteConnectorControl connector={connector} onDeleted={onChanged} />
        </Group>
      </Group>
    </Paper>
  );
}
