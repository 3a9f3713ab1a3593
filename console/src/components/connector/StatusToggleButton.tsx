import { Button, List, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Connector } from '../../api/types';
import { ConfirmDialog } from '../ConfirmDialog';
import { describeUsageCounts } from './usage-counts';

interface StatusToggleButtonProps {
  connector: Connector;
  onChanged: (connector: Connector) => void;
  size?: 'xs' | 'sm';
}

/** Deactivates or activates a connector after a confirmation of what stops or resumes. */
export function StatusToggleButton({ connector, onChanged, size = 'xs' }: StatusToggleButtonProps) {
  const [opened, setOpened] = useState(false);
  const deactivating = connector.status === 'active';

  const confirm = async () => {
    const updated = deactivating
      ? await api.deactivateConnector(connector.id)
      : await api.activateConnector(connector.id);
    onChanged(updated);
  };

  return (
    <>
      <Button
        size={size}
        variant="light"
        color={deactivating ? 'orange' : 'green'}
        onClick={() => setOpened(true)}
      >
        {deactivating ? 'Deactivate' : 'Activate'}
      </Button>
      <ConfirmDialog
        opened={opened}
        onClose={() => setOpened(false)}
        title={deactivating ? `Deactivate ${connector.name}?` : `Activate ${connector.name}?`}
        confirmLabel={deactivating ? 'Deactivate' : 'Activate'}
        confirmColor={deactivating ? 'orange' : 'green'}
        onConfirm={confirm}
      >
        {deactivating ? (
          <>
            <Text size="sm">Deactivating stops every delivery through this connector:</Text>
            <List size="sm" spacing={4}>
              <List.Item>no new request to the partner starts (at most 1 s after this);</List.Item>
              <List.Item>
                requests already in flight finish and are counted; waiting deliveries are dropped
                and counted as skipped (deactivated);
              </List.Item>
              <List.Item>
                its {describeUsageCounts(connector.usage)} stop reaching this partner until you
                activate it again.
              </List.Item>
            </List>
          </>
        ) : (
          <Text size="sm">
            Activating resumes deliveries and resyncs the partner audiences: members that the
            audiences hold but the partner lacks are added, and profiles that left are removed.
          </Text>
        )}
      </ConfirmDialog>
    </>
  );
}
