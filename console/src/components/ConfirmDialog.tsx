import { Button, Group, Modal, Stack } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { describeError } from '../api/client';
import { ErrorMessage } from './ErrorMessage';

interface ConfirmDialogProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmColor?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Opens a modal that states the consequence of an action and runs it after confirmation. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();

  const close = () => {
    setError(undefined);
    props.onClose();
  };

  const confirm = async () => {
    setRunning(true);
    setError(undefined);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Modal opened={props.opened} onClose={close} title={props.title} centered>
      <Stack>
        {props.children}
        {error && <ErrorMessage message={error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color={props.confirmColor} loading={running} onClick={() => void confirm()}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
