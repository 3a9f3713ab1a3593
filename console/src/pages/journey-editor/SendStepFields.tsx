import { Group, Select, Stack } from '@mantine/core';
import type { CatalogEntry, Connector } from '../../api/types';
import { SchemaForm } from '../../components/schema-form/SchemaForm';
import { initialFormValues } from '../../components/schema-form/schema-fields';
import type { StepDraft } from './journey-draft';

interface SendStepFieldsProps {
  step: StepDraft;
  label: string;
  index: number;
  connectors: Connector[];
  catalog: CatalogEntry[];
  errors: Record<string, string>;
  onChange: (step: StepDraft) => void;
}

/** Connector, operation and the connector type's audience settings of a send step. */
export function SendStepFields({
  step,
  label,
  index,
  connectors,
  catalog,
  errors,
  onChange,
}: SendStepFieldsProps) {
  const connector = connectors.find((candidate) => candidate.id === step.connectorId);
  const entry = catalog.find((candidate) => candidate.id === connector?.type);

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Connector"
          aria-label={`${label}: connector`}
          withAsterisk
          searchable
          style={{ flex: '1 1 14rem' }}
          data={connectors.map((candidate) => ({
            value: candidate.id,
            label: `${candidate.name} (${candidate.type})`,
          }))}
          value={step.connectorId || null}
          error={errors[`steps[${index}].connectorId`]}
          onChange={(connectorId) => {
            const next = connectors.find((candidate) => candidate.id === connectorId);
            const nextEntry = catalog.find((candidate) => candidate.id === next?.type);
            onChange({
              ...step,
              connectorId: connectorId ?? '',
              settings: nextEntry ? initialFormValues(nextEntry.audienceSettingsSchema) : {},
            });
          }}
        />
        <Select
          label="Operation"
          aria-label={`${label}: operation`}
          w={250}
          data={[
            { value: 'add', label: 'Add to partner audience' },
            { value: 'remove', label: 'Remove from partner audience' },
          ]}
          value={step.operation}
          allowDeselect={false}
          onChange={(operation) =>
            onChange({ ...step, operation: (operation ?? 'add') as StepDraft['operation'] })
          }
        />
      </Group>
      {entry && (
        <SchemaForm
          schema={entry.audienceSettingsSchema}
          prefix={`steps[${index}].settings`}
          values={step.settings}
          errors={errors}
          onChange={(settings) => onChange({ ...step, settings })}
        />
      )}
    </Stack>
  );
}
