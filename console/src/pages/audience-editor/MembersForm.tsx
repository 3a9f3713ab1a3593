import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { api, describeError } from '../../api/client';
import type { MemberChangeResult } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';

interface MembersFormProps {
  audienceId: string;
  onChanged: () => void;
}

function parseIds(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
}

/** Adds or removes members of an audience without a rule, by profile id. */
export function MembersForm({ audienceId, onChanged }: MembersFormProps) {
  const [text, setText] = useState('');
  const [result, setResult] = useState<MemberChangeResult>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState<'add' | 'remove'>();

  const change = async (operation: 'add' | 'remove') => {
    const ids = parseIds(text);
    setError(undefined);
    setResult(undefined);
    if (ids.length === 0) {
      setError('Enter at least one profile id.');
      return;
    }
    setRunning(operation);
    try {
      setResult(await api.changeMembers(audienceId, { [operation]: ids }));
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setRunning(undefined);
    }
  };

  return (
    <Stack gap="sm">
      <Textarea
        label="Profile ids"
        description="Separated by spaces, commas or new lines; at most 10,000 per change."
        autosize
        minRows={2}
        maxRows={8}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
      />
      <Group gap="sm">
        <Button
          onClick={() => void change('add')}
          loading={running === 'add'}
          disabled={running === 'remove'}
        >
          Add members
        </Button>
        <Button
          variant="default"
          onClick={() => void change('remove')}
          loading={running === 'remove'}
          disabled={running === 'add'}
        >
          Remove members
        </Button>
      </Group>
      {error && <ErrorMessage message={error} />}
      {result && (
        <Text size="sm" role="status">
          {result.added} added, {result.removed} removed.
          {result.unknownProfiles.length > 0 &&
            ` Unknown profile ids: ${result.unknownProfiles.join(', ')}.`}
        </Text>
      )}
    </Stack>
  );
}
