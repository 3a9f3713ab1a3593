import { Stack, Text } from '@mantine/core';
import type { JsonSchema } from '../../api/types';
import { SchemaField } from './SchemaField';
import { describeFields, type FieldValue, type FormValues } from './schema-fields';

interface SchemaFormProps {
  schema: JsonSchema;
  /** Path prefix of these fields in error messages and input ids: `settings` or `credentials`. */
  prefix: string;
  values: FormValues;
  /** Error messages keyed by field path, such as `settings.adAccountId`. */
  errors: Record<string, string>;
  /** Secret fields that have a stored value. */
  storedSecrets?: ReadonlySet<string>;
  /** Stored optional secrets the user chose to remove. */
  removedSecrets?: ReadonlySet<string>;
  onRemovedSecretsChange?: (removed: ReadonlySet<string>) => void;
  onChange: (values: FormValues) => void;
}

/** Renders an input for every property of an object schema. */
export function SchemaForm(props: SchemaFormProps) {
  const { schema, prefix, values, errors, storedSecrets, removedSecrets } = props;
  const fields = describeFields(schema);
  if (fields.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        This section has no fields.
      </Text>
    );
  }

  const change = (name: string, value: FieldValue) => props.onChange({ ...values, [name]: value });
  const changeRemoval = (name: string, removed: boolean) => {
    const next = new Set(removedSecrets);
    if (removed) next.add(name);
    else next.delete(name);
    props.onRemovedSecretsChange?.(next);
  };

  return (
    <Stack gap="sm">
      {fields.map((field) => (
        <SchemaField
          key={field.name}
          field={field}
          idPrefix={prefix}
          value={values[field.name] ?? ''}
          error={errors[`${prefix}.${field.name}`]}
          secretStored={storedSecrets?.has(field.name)}
          secretRemoved={removedSecrets?.has(field.name)}
          onSecretRemovedChange={
            props.onRemovedSecretsChange && !field.required
              ? (removed) => changeRemoval(field.name, removed)
              : undefined
          }
          onChange={(value) => change(field.name, value)}
        />
      ))}
    </Stack>
  );
}
