import { Button, Fieldset, Group, Stack, TextInput } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, describeError } from '../../api/client';
import type { CatalogEntry, Connector } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SchemaForm } from '../../components/schema-form/SchemaForm';
import { fieldPathOfMessage } from '../../components/schema-form/field-errors';
import {
  type FormValues,
  findMissingRequired,
  formValuesToJson,
  initialFormValues,
} from '../../components/schema-form/schema-fields';

export interface ConnectorFormOutput {
  name: string;
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
}

interface ConnectorFormProps {
  entry: CatalogEntry;
  /** The stored connector when editing; absent when creating. */
  connector?: Connector;
  submitLabel: string;
  onSubmit: (output: ConnectorFormOutput) => Promise<void>;
  /** Extra content beside the submit button, such as Test connection. */
  footer?: ReactNode;
}

/**
 * Renders a connector type's configuration form, generated from its settings and credentials
 * schemas. A validation error from the service appears next to the field it names.
 */
export function ConnectorForm({
  entry,
  connector,
  submitLabel,
  onSubmit,
  footer,
}: ConnectorFormProps) {
  const [name, setName] = useState(connector?.name ?? '');
  const [settings, setSettings] = useState<FormValues>(() =>
    initialFormValues(entry.settingsSchema, connector?.settings),
  );
  const [credentials, setCredentials] = useState<FormValues>(() =>
    initialFormValues(entry.credentialsSchema),
  );
  const [removedSecrets, setRemovedSecrets] = useState<ReadonlySet<string>>(new Set());
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const storedSettings = new Set(Object.keys(connector?.settings ?? {}));
  const storedSecrets = new Set(Object.keys(connector?.credentials ?? {}));
  const editing = connector !== undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = {
      ...(name.trim() === '' ? { name: 'Name is required.' } : {}),
      ...findMissingRequired(entry.settingsSchema, settings, 'settings'),
      ...findMissingRequired(entry.credentialsSchema, credentials, 'credentials', storedSecrets),
    };
    setFieldErrors(missing);
    setFormError(undefined);
    if (Object.keys(missing).length > 0) {
      setFormError('Fill in the required fields marked below.');
      return;
    }
    setSaving(true);
    try {
      await onSubmit({
        name: name.trim(),
        settings: formValuesToJson(
          entry.settingsSchema,
          settings,
          editing ? storedSettings : undefined,
        ),
        credentials: formValuesToJson(
          entry.credentialsSchema,
          credentials,
          editing ? storedSecrets : undefined,
          removedSecrets,
        ),
      });
    } catch (failure) {
      const message = describeError(failure);
      const isNameTaken = failure instanceof ApiError && failure.code === 'CONNECTOR_NAME_TAKEN';
      const field = isNameTaken ? 'name' : fieldPathOfMessage(message);
      if (field) setFieldErrors({ [field]: message });
      setFormError(field ? 'The service rejected a field; see the message next to it.' : message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label={`${entry.name} connector`}
    >
      <Stack gap="lg">
        {formError && <ErrorMessage title="Not saved" message={formError} />}
        <Fieldset legend="Connector" radius="md">
          <TextInput
            id="connector-name"
            label="Name"
            description="1 to 200 characters, unique among connectors of this type."
            withAsterisk
            aria-required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldErrors.name}
            data-field="name"
          />
        </Fieldset>
        <Fieldset legend="Settings" radius="md">
          <SchemaForm
            schema={entry.settingsSchema}
            prefix="settings"
            values={settings}
            errors={fieldErrors}
            onChange={setSettings}
          />
        </Fieldset>
        <Fieldset legend="Credentials" radius="md">
          <SchemaForm
            schema={entry.credentialsSchema}
            prefix="credentials"
            values={credentials}
            errors={fieldErrors}
            storedSecrets={storedSecrets}
            removedSecrets={removedSecrets}
            onRemovedSecretsChange={setRemovedSecrets}
            onChange={setCredentials}
          />
        </Fieldset>
        <Group justify="space-between" align="flex-start">
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
          {footer}
        </Group>
      </Stack>
    </form>
  );
}
