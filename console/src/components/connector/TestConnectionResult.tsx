import { Alert, Text } from '@mantine/core';
import type { CredentialTestResult, ErrorCategory } from '../../api/types';

const CATEGORY_TITLES: Record<ErrorCategory, string> = {
  invalid_credentials: 'Invalid credentials',
  timeout: 'The partner did not answer in time',
  partner_error: 'The partner returned an error',
  other: 'The connection failed',
};

/** Shows the outcome of a credential test, with the partner's code and message when it failed. */
export function TestConnectionResult({ result }: { result: CredentialTestResult }) {
  if (result.ok) {
    return (
      <Alert color="green" title="Connection works" role="status" data-testid="test-result">
        {result.message ?? 'The partner accepted the credentials.'}
      </Alert>
    );
  }
  const title = result.category ? CATEGORY_TITLES[result.category] : 'The connection failed';

  return (
    <Alert color="red" title={title} role="alert" data-testid="test-result">
      {result.partnerCode && (
        <Text size="sm" fw={600}>
          Partner code {result.partnerCode}
        </Text>
      )}
      <Text size="sm">{result.message ?? 'The partner gave no message.'}</Text>
    </Alert>
  );
}
