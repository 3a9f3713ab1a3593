import { Button, List, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Journey } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';

interface PublishButtonProps {
  journey: Journey;
  /** Reason that publishing is blocked, such as unsaved edits. */
  blockedReason?: string;
  onPublished: (journey: Journey) => void;
}

/** Publishes the saved draft after a confirmation of what happens to running profiles. */
export function PublishButton({ journey, blockedReason, onPublished }: PublishButtonProps) {
  const [opened, setOpened] = useState(false);
  const upToDate = journey.published !== undefined && !journey.hasUnpublishedChanges;

  return (
    <>
      <Button
        color="green"
        onClick={() => setOpened(true)}
        disabled={blockedReason !== undefined || upToDate}
        title={
          blockedReason ?? (upToDate ? 'The published version is the saved draft.' : undefined)
        }
      >
        Publish
      </Button>
      <ConfirmDialog
        opened={opened}
        onClose={() => setOpened(false)}
        title={`Publish ${journey.name}?`}
        confirmLabel="Publish"
        confirmColor="green"
        onConfirm={async () => onPublished(await api.publishJourney(journey.id))}
      >
        <Text size="sm">The saved draft becomes the version that runs:</Text>
        <List size="sm" spacing={4}>
          <List.Item>new profiles enter at its first step when the trigger fires;</List.Item>
          <List.Item>
            a profile waiting in a wait step continues from that step&apos;s next step in the new
            version, and leaves the journey if the new version has no step with that id.
          </List.Item>
        </List>
      </ConfirmDialog>
    </>
  );
}
