import { Button, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, describeError } from '../../api/client';
import type { Audience, CatalogEntry, Connector } from '../../api/types';
import {
  ConnectionEditor,
  type ConnectionDraft,
} from '../../components/connection/ConnectionEditor';
import { toConnectionInput } from '../../components/connection/connection-drafts';
import { ErrorMessage } from '../../components/ErrorMessage';
import { fieldPathOfMessage } from '../../components/schema-form/field-errors';

interface AddConnectionFormProps {
  audience: Audience;
  connectors: Connector[];
  catalog: CatalogEntry[];
  onAdded: (audience: Audience) => void;
}

const EMPTY_DRAFT: ConnectionDraft = { connectorId: '', values: {} };

/** Connects the audience to one more connector; every current member is sent there. */
export function AddConnectionForm({
  audience,
  connectors,
  catalog,
  onAdded,
}: AddConnectionFormProps) {
  const [draft, setDraft] = useState<ConnectionDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const available = connectors.filter(
    (connector) =>
      !audience.connections.some((connection) => connection.connectorId === connector.id),
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setFieldErrors({});
    if (draft.connectorId === '') {
      setFieldErrors({ 'body.connectorId': 'Choose a connector.' });
      return;
    }
    setSaving(true);
    try {
      onAdded(await api.addConnection(audience.id, toConnectionInput(draft, connectors, catalog)));
      setDraft(EMPTY_DRAFT);
    } catch (failure) {
      const message = describeError(failure);
      const path = fieldPathOfMessage(message);
      setError(message);
      // Connection errors name fields as `body.settings.x`; the form's inputs use the same prefix.
      if (path) setFieldErrors({ [`body.${path}`]: message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="add-connection-heading"
    >
      <Stack gap="sm">
        <Title order={3} size="h5" id="add-connection-heading">
          Add a connection
        </Title>
        {available.length === 0 ? (
          <Text size="sm" c="dimmed">
            Every connector is connected already.
          </Text>
        ) : (
          <>
            {error && <ErrorMessage title="Not connected" message={error} />}
            <ConnectionEditor
              connectors={available}
              catalog={catalog}
              value={draft}
              onChange={setDraft}
              errorPrefix="body"
              errors={fieldErrors}
              label="Connector to add"
              purpose="Where the audience goes at this partner."
            />
            <Button type="submit" loading={saving} w="fit-content">
              Connect
            </Button>
          </>
        )}
      </Stack>
    </form>
  );
}
