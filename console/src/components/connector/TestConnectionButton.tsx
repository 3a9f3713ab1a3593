import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api, describeError } from '../../api/client';
import type { CredentialTestResult } from '../../api/types';
import { ErrorMessage } from '../ErrorMessage';
import { TestConnectionResult } from './TestConnectionResult';

interface TestConnectionButtonProps {
  connectorId: string;
  /** Called after every test, because a successful test can change the connector's health. */
  onTested?: () => void;
  /** A line under the button, such as what the test uses. */
  hint?: string;
}

/** Runs the partner credential check and shows its result. */
export function TestConnectionButton({ connectorId, onTested, hint }: TestConnectionButtonProps) {
  const [result, setResult] = useState<CredentialTestResult>();
  const [error, setError] = useState<string>();
  const [testing, setTesting] = useState(false);

  const test = async () => {
    setTesting(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api.testConnector(connectorId));
      onTested?.();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setTesting(false);
    }
  };

  return (
    <Stack gap="xs">
      <Button variant="light" onClick={() => void test()} loading={testing} w="fit-content">
        Test connection
      </Button>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
      {result && <TestConnectionResult result={result} />}
      {error && <ErrorMessage title="The test could not run" message={error} />}
    </Stack>
  );
}
