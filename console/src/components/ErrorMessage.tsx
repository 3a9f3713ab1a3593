import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

interface ErrorMessageProps {
  title?: string;
  message: string;
  onRetry?: () => void;
}

/** Shows an API error in words, with a retry button when the caller can load again. */
export function ErrorMessage({ title = 'Request failed', message, onRetry }: ErrorMessageProps) {
  return (
    <Alert color="red" title={title} icon={<IconAlertTriangle aria-hidden />} role="alert">
      <Group justify="space-between" align="center" gap="sm">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}
