import {
  Button,
  Fieldset,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, describeError } from '../../api/client';
import {
  ConnectionEditor,
  type ConnectionDraft,
} from '../../components/connection/ConnectionEditor';
import { toConnectionInput } from '../../components/connection/connection-drafts';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { RuleBuilder } from '../../components/rule-builder/RuleBuilder';
import { newGroup, toRule, type GroupNode } from '../../components/rule-builder/rule-model';
import { fieldPathOfMessage } from '../../components/schema-form/field-errors';
import { useApiData } from '../../hooks/useApiData';

type Membership = 'rule' | 'managed';

/** Creates an audience: a name, a rule or managed members, and connections to connectors. */
export function NewAudienceForm() {
  const navigate = useNavigate();
  const lookups = useApiData(() => Promise.all([api.connectors(), api.catalog()]), []);
  const [name, setName] = useState('');
  const [membership, setMembership] = useState<Membership>('rule');
  const [rule, setRule] = useState<GroupNode>(() => newGroup());
  const [connections, setConnections] = useState<ConnectionDraft[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [errorPath, setErrorPath] = useState<string>();
  const [saving, setSaving] = useState(false);

  if (lookups.loading && !lookups.data) return <LoadingState label="Loading connectors…" />;
  if (!lookups.data)
    return <ErrorMessage message={lookups.error ?? 'No connectors'} onRetry={lookups.reload} />;
  const [connectors, catalog] = lookups.data;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setErrorPath(undefined);
    if (name.trim() === '') {
      setFieldErrors({ name: 'Name is required.' });
      return;
    }
    setFieldErrors({});
    setSaving(true);
    try {
      const audience = await api.createAudience({
        name: name.trim(),
        ...(membership === 'rule' ? { rule: toRule(rule) } : {}),
        connections: connections.map((draft) => toConnectionInput(draft, connectors, catalog)),
      });
      await navigate(`/audiences/${audience.id}`);
    } catch (failure) {
      const message = describeError(failure);
      const path = fieldPathOfMessage(message);
      setError(message);
      setErrorPath(path);
      if (path) setFieldErrors({ [path]: message });
    } finally {
      setSaving(false);
    }
  };

  const updateConnection = (index: number, draft: ConnectionDraft) =>
    setConnections(connections.map((old, i) => (i === index ? draft : old)));

  return (
    <>
      <PageHeader title="New audience" />
      <form onSubmit={(event) => void submit(event)} noValidate aria-label="New audience">
        <Stack gap="lg">
          {error && <ErrorMessage title="Not created" message={error} />}
          <TextInput
            label="Name"
            description="1 to 200 characters."
            withAsterisk
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldErrors.name}
          />
          <Fieldset legend="Membership" radius="md">
            <Stack gap="sm">
              <SegmentedControl
                aria-label="Membership"
                value={membership}
                onChange={(value) => setMembership(value as Membership)}
                data={[
                  { value: 'rule', label: 'By rule' },
                  { value: 'managed', label: 'Managed through the API' },
                ]}
              />
              {membership === 'rule' ? (
                <RuleBuilder
                  value={rule}
                  onChange={setRule}
                  errorPath={errorPath}
                  errorMessage={error}
                />
              ) : (
                <Text size="sm" c="dimmed">
                  Members are added and removed with POST /api/v1/audiences/:id/members, or on this
                  audience&apos;s page after it is created.
                </Text>
              )}
            </Stack>
          </Fieldset>
          <Fieldset legend="Connections" radius="md">
            <Stack gap="md">
              {connections.length === 0 && (
                <Text size="sm" c="dimmed">
                  No connections: the audience is kept but sent nowhere until you add one.
                </Text>
              )}
              {connections.map((draft, index) => (
                <Paper key={index} withBorder p="sm" radius="sm">
                  <ConnectionEditor
                    connectors={connectors.filter(
                      (connector) =>
                        connector.id === draft.connectorId ||
                        !connections.some((other) => other.connectorId === connector.id),
                    )}
                    catalog={catalog}
                    value={draft}
                    onChange={(updated) => updateConnection(index, updated)}
                    errorPrefix={`connections[${index}]`}
                    errors={fieldErrors}
                    label={`Connector of connection ${index + 1}`}
                  />
                  <Button
                    mt="xs"
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    onClick={() => setConnections(connections.filter((_, i) => i !== index))}
                  >
                    Remove connection {index + 1}
                  </Button>
                </Paper>
              ))}
              <Button
                variant="light"
                w="fit-content"
                disabled={connectors.length === connections.length}
                onClick={() => setConnections([...connections, { connectorId: '', values: {} }])}
              >
                Add connection
              </Button>
            </Stack>
          </Fieldset>
          <Group>
            <Button type="submit" loading={saving}>
              Create audience
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}
