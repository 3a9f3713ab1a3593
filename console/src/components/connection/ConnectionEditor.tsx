import { Select, Stack, Text } from '@mantine/core';
import type { CatalogEntry, Connector, JsonSchema } from '../../api/types';
import { SchemaForm } from '../schema-form/SchemaForm';
import { type FormValues, initialFormValues } from '../schema-form/schema-fields';

export interface ConnectionDraft {
  connectorId: string;
  values: FormValues;
}

interface ConnectionEditorProps {
  connectors: Connector[];
  catalog: CatalogEntry[];
  value: ConnectionDraft;
  onChange: (value: ConnectionDraft) => void;
  /** Path of this connection in service errors, such as `connections[0]` or `body`. */
  errorPrefix: string;
  errors: Record<string, string>;
  /** Label of the connector select, unique on the page. */
  label: string;
  /** Purpose of the settings, in the sentence under the select. */
  purpose?: string;
}

/** Describes the schema's limits on how many fields to fill, such as Meta's one-of-two choice. */
function describeFieldCount(schema: JsonSchema): string | undefined {
  if (schema.minProperties === 1 && schema.maxProperties === 1)
    return 'Fill in exactly one of these fields.';
  if (schema.minProperties === 1) return 'Fill in at least one of these fields.';

  return undefined;
}

/** Edits a connector choice and its audience settings, from the type's audienceSettingsSchema. */
export function ConnectionEditor(props: ConnectionEditorProps) {
  const { connectors, catalog, value, onChange, errorPrefix, errors } = props;
  const connector = connectors.find((candidate) => candidate.id === value.connectorId);
  const entry = catalog.find((candidate) => candidate.id === connector?.type);
  const schema = entry?.audienceSettingsSchema;
  const countNote = schema ? describeFieldCount(schema) : undefined;

  return (
    <Stack gap="sm">
      <Select
        label={props.label}
        placeholder="Choose a connector"
        withAsterisk
        searchable
        data={connectors.map((candidate) => ({
          value: candidate.id,
          label: `${candidate.name} (${candidate.type})${candidate.status === 'deactivated' ? ', deactivated' : ''}`,
        }))}
        value={value.connectorId || null}
        onChange={(connectorId) => {
          const next = connectors.find((candidate) => candidate.id === connectorId);
          const nextEntry = catalog.find((candidate) => candidate.id === next?.type);
          onChange({
            connectorId: connectorId ?? '',
            values: nextEntry ? initialFormValues(nextEntry.audienceSettingsSchema) : {},
          });
        }}
        error={errors[`${errorPrefix}.connectorId`]}
        nothingFoundMessage="No connector matches"
      />
      {schema && (
        <>
          <Text size="sm" c="dimmed">
            {props.purpose ?? `Settings of this connection for ${entry?.name}.`} {countNote}
          </Text>
          <SchemaForm
            schema={schema}
            prefix={`${errorPrefix}.settings`}
            values={value.values}
            errors={errors}
            onChange={(values) => onChange({ ...value, values })}
          />
        </>
      )}
    </Stack>
  );
}
