import { Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, describeError } from '../../api/client';

/**
 * Trades the API token for a session cookie. The token stays in this form's state only; the
 * service sets an httpOnly cookie, so page scripts never hold a credential afterwards.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() === '') {
      setError('Enter the API token.');
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      await api.signIn(token.trim());
      setToken('');
      onSignedIn();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack>
            <Title order={1} size="h2">
              Activator console
            </Title>
            <Text c="dimmed" size="sm">
              Sign in with the API token: the value of ACTIVATOR_API_TOKEN, or the contents of
              $DATA_DIR/api-token. The browser keeps only a session cookie.
            </Text>
            <PasswordInput
              label="API token"
              value={token}
              onChange={(event) => setToken(event.currentTarget.value)}
              error={error}
              autoComplete="current-password"
              withAsterisk
              data-autofocus
            />
            <Button type="submit" loading={submitting}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
