import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError, api } from '../../api/client';
import type { Connector } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { UsageLinks } from '../../components/connector/UsageLinks';
import { isInUse } from '../../components/connector/usage-counts';

interface DeleteConnectorControlProps {
  connector: Connector;
  onDeleted: () => void;
}

/**
 * Deletes a connector after confirmation. While audiences or journeys use it, the button is
 * disabled and the audiences and journeys to detach first are listed beside it as links.
 */
export function DeleteConnectorControl({ connector, onDeleted }: DeleteConnectorControlProps) {
  const [opened, setOpened] = useState(false);
  const inUse = isInUse(connector.usage);
  const noteId = `delete-note-${connector.id}`;

  const confirm = async () => {
    try {
      await api.deleteConnector(connector.id);
    } catch (failure) {
      // Someone attached it after the list loaded: show the fresh usage instead of the dialog.
      if (failure instanceof ApiError && failure.status === 409) onDeleted();
      throw failure;
    }
    onDeleted();
  };

  return (
    <Stack gap={4}>
      <Button
        size="xs"
        variant="light"
        color="red"
        disabled={inUse}
        aria-describedby={inUse ? noteId : undefined}
        onClick={() => setOpened(true)}
      >
        Delete
      </Button>
      {inUse && (
        <div id={noteId} data-testid="delete-blocked">
          <Text size="xs" c="dimmed">
            Detach it before deleting:
          </Text>
          <UsageLinks usage={connector.usage} />
        </div>
      )}
      <ConfirmDialog
        opened={opened}
        onClose={() => setOpened(false)}
        title={`Delete ${connector.name}?`}
        confirmLabel="Delete"
        confirmColor="red"
        onConfirm={confirm}
      >
        <Text size="sm">
          The connector and its stored credentials are removed, which cannot be undone. Audiences
          that already reached the partner stay there.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
