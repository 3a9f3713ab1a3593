import { Badge, Group } from '@mantine/core';
import type { Connector } from '../../api/types';

/** Shows status and health as visible words: "active" or "deactivated", and any health warning. */
export function ConnectorStatusBadges({ connector }: { connector: Connector }) {
  return (
    <Group gap={6}>
      {connector.status === 'deactivated' ? (
        <Badge color="gray" variant="filled" data-testid="status-label">
          deactivated
        </Badge>
      ) : (
        <Badge color="green" variant="light" data-testid="status-label">
          active
        </Badge>
      )}
      {connector.health === 'credentials_invalid' && (
        <Badge color="red" variant="light" data-testid="health-warning">
          credentials invalid
        </Badge>
      )}
      {connector.health === 'circuit_open' && (
        <Badge color="orange" variant="light" data-testid="health-warning">
          paused after repeated failures
        </Badge>
      )}
    </Group>
  );
}
