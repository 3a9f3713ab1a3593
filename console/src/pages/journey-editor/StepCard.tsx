import { ActionIcon, Badge, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import type { CatalogEntry, Connector } from '../../api/types';
import { RuleBuilder } from '../../components/rule-builder/RuleBuilder';
import type { StepDraft, StepType } from './journey-draft';
import { SendStepFields } from './SendStepFields';
import { TargetSelect } from './TargetSelect';
import { WaitStepFields } from './WaitStepFields';

interface StepCardProps {
  step: StepDraft;
  index: number;
  steps: StepDraft[];
  connectors: Connector[];
  catalog: CatalogEntry[];
  /** The service's message when it names this step. */
  error?: string;
  errorPath?: string;
  fieldErrors: Record<string, string>;
  onChange: (step: StepDraft) => void;
  onMove: (offset: -1 | 1) => void;
  onRemove: () => void;
}

const STEP_TYPES: { value: StepType; label: string }[] = [
  { value: 'send', label: 'Send to a connector' },
  { value: 'wait', label: 'Wait' },
  { value: 'condition', label: 'Condition' },
  { value: 'exit', label: 'Exit' },
];

/** Edits one journey step: its id, type, the fields of that type and the step it leads to. */
export function StepCard(props: StepCardProps) {
  const { step, index, steps, onChange } = props;
  const label = `Step ${index + 1}`;
  const target = (field: 'next' | 'then' | 'else', title: string) => (
    <TargetSelect
      label={title}
      ariaLabel={`${label}: ${title.toLowerCase()}`}
      value={step[field]}
      steps={steps}
      ownKey={step.key}
      onChange={(value) => onChange({ ...step, [field]: value })}
    />
  );

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="li"
      aria-label={label}
      data-testid="journey-step"
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Group gap="sm" align="flex-end">
            <Badge size="lg" variant="light" aria-hidden>
              {index + 1}
            </Badge>
            <TextInput
              label="Step id"
              aria-label={`${label}: id`}
              w={120}
              value={step.id}
              onChange={(event) => onChange({ ...step, id: event.currentTarget.value })}
              error={props.fieldErrors[`steps[${index}].id`]}
            />
            <Select
              label="Type"
              aria-label={`${label}: type`}
              w={200}
              data={STEP_TYPES}
              value={step.type}
              allowDeselect={false}
              onChange={(type) => onChange({ ...step, type: (type ?? 'send') as StepType })}
            />
          </Group>
          <Group gap={4}>
            <ActionIcon
              variant="subtle"
              onClick={() => props.onMove(-1)}
              disabled={index === 0}
              aria-label={`Move ${label.toLowerCase()} up`}
            >
              <IconArrowUp size={16} aria-hidden />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              onClick={() => props.onMove(1)}
              disabled={index === steps.length - 1}
              aria-label={`Move ${label.toLowerCase()} down`}
            >
              <IconArrowDown size={16} aria-hidden />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              color="red"
              onClick={props.onRemove}
              aria-label={`Remove ${label.toLowerCase()}`}
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        </Group>
        {index === 0 && (
          <Text size="xs" c="dimmed">
            Profiles enter the journey at this first step.
          </Text>
        )}
        {step.type === 'send' && (
          <SendStepFields
            step={step}
            label={label}
            index={index}
            connectors={props.connectors}
            catalog={props.catalog}
            errors={props.fieldErrors}
            onChange={onChange}
          />
        )}
        {step.type === 'wait' && (
          <WaitStepFields
            step={step}
            label={label}
            error={props.fieldErrors[`steps[${index}].durationSeconds`]}
            onChange={onChange}
          />
        )}
        {step.type === 'condition' && (
          <RuleBuilder
            value={step.rule}
            onChange={(rule) => onChange({ ...step, rule })}
            rootPath={`steps[${index}].rule`}
            errorPath={props.errorPath}
            errorMessage={props.error}
            label={`${label} group 1`}
          />
        )}
        <Group gap="sm">
          {(step.type === 'send' || step.type === 'wait') && target('next', 'Next')}
          {step.type === 'condition' && (
            <>
              {target('then', 'Then')}
              {target('else', 'Else')}
            </>
          )}
          {step.type === 'exit' && (
            <Text size="sm" c="dimmed">
              The journey ends here for the profile.
            </Text>
          )}
        </Group>
        {props.error && (
          <Text size="sm" c="red" role="alert">
            {props.error}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
