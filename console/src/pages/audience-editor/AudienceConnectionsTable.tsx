import { Anchor, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { Audience, Connector } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';

interface AudienceConnectionsTableProps {
  audience: Audience;
  connectors: Connector[];
  onChanged: () => void;
}

function describeSettings(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** Lists the audience's connections with their delivery counts; removes one after confirmation. */
export function AudienceConnectionsTable({
  audience,
  connectors,
  onChanged,
}: AudienceConnectionsTableProps) {
  const [removing, setRemoving] = useState<string>();
  const nameOf = (id: string) => connectors.find((connector) => connector.id === id)?.name ?? id;

  if (audience.connections.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Not connected: the audience is sent nowhere. Add a connection below.
      </Text>
    );
  }

  return (
    <>
      <Table.ScrollContainer minWidth={600}>
        <Table data-testid="audience-connections">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Connector</Table.Th>
              <Table.Th scope="col">Settings</Table.Th>
              <Table.Th scope="col" ta="right">
                Added
              </Table.Th>
              <Table.Th scope="col" ta="right">
                Removed
              </Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {audience.connections.map((connection) => (
              <Table.Tr key={connection.connectorId}>
                <Table.Th scope="row">
                  <Anchor component={Link} to={`/connectors/${connection.connectorId}`}>
                    {nameOf(connection.connectorId)}
                  </Anchor>
                </Table.Th>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  {describeSettings(connection.settings)}
                </Table.Td>
                <Table.Td ta="right">{connection.delivered.added.toLocaleString('en')}</Table.Td>
                <Table.Td ta="right">{connection.delivered.removed.toLocaleString('en')}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    onClick={() => setRemoving(connection.connectorId)}
                  >
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmDialog
        opened={removing !== undefined}
        onClose={() => setRemoving(undefined)}
        title={`Remove the connection to ${nameOf(removing ?? '')}?`}
        confirmLabel="Remove connection"
        confirmColor="red"
        onConfirm={async () => {
          await api.removeConnection(audience.id, removing ?? '');
          onChanged();
        }}
      >
        <Text size="sm">
          The audience&apos;s members are removed from that partner audience, and the audience is no
          longer sent there.
        </Text>
      </ConfirmDialog>
    </>
  );
}
