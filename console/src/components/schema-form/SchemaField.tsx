import { Checkbox, NumberInput, Select, TextInput, Textarea } from '@mantine/core';
import { SecretField } from './SecretField';
import type { FieldValue, SchemaFieldDescriptor } from './schema-fields';

interface SchemaFieldProps {
  field: SchemaFieldDescriptor;
  /** Prefix of the input's id and of the field path in error messages, such as `settings`. */
  idPrefix: string;
  value: FieldValue;
  error?: string;
  /** True when a secret is stored for this field; the input stays empty. */
  secretStored?: boolean;
  secretRemoved?: boolean;
  onSecretRemovedChange?: (removed: boolean) => void;
  onChange: (value: FieldValue) => void;
}

/** Renders the input of a JSON Schema property, with `title` as label and `description` as help. */
export function SchemaField({
  field,
  idPrefix,
  value,
  error,
  secretStored,
  secretRemoved,
  onSecretRemovedChange,
  onChange,
}: SchemaFieldProps) {
  const { schema } = field;
  const common = {
    id: `${idPrefix}-${field.name}`,
    label: schema.title ?? field.name,
    description: schema.description,
    withAsterisk: field.required,
    'aria-required': field.required || undefined,
    error,
    'data-field': `${idPrefix}.${field.name}`,
  };
  const text = typeof value === 'string' ? value : '';
  const placeholder =
    schema.default === undefined ? undefined : `Default: ${String(schema.default)}`;

  switch (field.control) {
    case 'password':
      return (
        <SecretField
          common={common}
          value={text}
          stored={secretStored === true}
          removed={secretRemoved === true}
          onRemovedChange={onSecretRemovedChange}
          onChange={onChange}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={(schema.enum ?? []).map((option) => String(option))}
          value={text === '' ? null : text}
          onChange={(selected) => onChange(selected ?? '')}
          clearable={!field.required}
          placeholder={placeholder ?? 'Choose a value'}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={text}
          onChange={(number) => onChange(String(number))}
          min={schema.minimum}
          max={schema.maximum}
          allowDecimal={schema.type !== 'integer'}
          placeholder={placeholder}
        />
      );
    case 'checkbox':
      return (
        <Checkbox
          id={common.id}
          label={common.label}
          description={common.description}
          error={error}
          checked={value === true}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />
      );
    case 'json':
      return (
        <Textarea
          {...common}
          description={`${schema.description ?? ''} JSON value.`.trim()}
          autosize
          minRows={3}
          value={text}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          value={text}
          onChange={(event) => onChange(event.currentTarget.value)}
          placeholder={placeholder}
          spellCheck={false}
        />
      );
  }
}
