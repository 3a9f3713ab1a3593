import {
  ActionIcon,
  Autocomplete,
  Checkbox,
  Group,
  Paper,
  Select,
  Text,
  TextInput,
} from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { RuleOperator } from '../../api/types';
import { OPERATOR_LABELS, valuePlaceholder } from './operator-labels';
import {
  type ConditionNode,
  hasSelectableValueKind,
  operatorsFor,
  type ValueKind,
} from './rule-model';

const IDENTIFIER_SUGGESTIONS = ['email', 'phone', 'maid', 'externalId'];
const ATTRIBUTE_SUGGESTIONS = [
  'country',
  'firstName',
  'lastName',
  'city',
  'state',
  'zip',
  'dateOfBirth',
  'gender',
];

interface RuleConditionEditorProps {
  node: ConditionNode;
  /** Label prefix naming the condition, such as "Condition 1.2". */
  label: string;
  error?: string;
  readOnly: boolean;
  onChange: (node: ConditionNode) => void;
  onRemove?: () => void;
}

/** Edits one condition: attribute or identifier, its name, operator, value and a NOT flag. */
export function RuleConditionEditor({
  node,
  label,
  error,
  readOnly,
  onChange,
  onRemove,
}: RuleConditionEditorProps) {
  const operators = operatorsFor(node.subject);
  const change = (patch: Partial<ConditionNode>) => onChange({ ...node, ...patch });

  const changeSubject = (subject: ConditionNode['subject']) => {
    const op = operatorsFor(subject).includes(node.op) ? node.op : 'eq';
    change({ subject, op });
  };

  return (
    <Paper
      withBorder
      p="xs"
      radius="sm"
      data-testid="rule-condition"
      role="group"
      aria-label={label}
    >
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Checkbox
          label="NOT"
          checked={node.negated}
          disabled={readOnly}
          onChange={(event) => change({ negated: event.currentTarget.checked })}
          aria-label={`${label}: negate`}
          mb={8}
        />
        <Select
          label="On"
          aria-label={`${label}: attribute or identifier`}
          w={130}
          data={[
            { value: 'attribute', label: 'Attribute' },
            { value: 'identifier', label: 'Identifier' },
          ]}
          value={node.subject}
          allowDeselect={false}
          disabled={readOnly}
          onChange={(value) => changeSubject((value ?? 'attribute') as ConditionNode['subject'])}
        />
        <Autocomplete
          label="Name"
          aria-label={`${label}: name`}
          w={160}
          data={node.subject === 'identifier' ? IDENTIFIER_SUGGESTIONS : ATTRIBUTE_SUGGESTIONS}
          value={node.name}
          disabled={readOnly}
          onChange={(name) => change({ name })}
        />
        <Select
          label="Operator"
          aria-label={`${label}: operator`}
          w={210}
          data={operators.map((op) => ({ value: op, label: `${OPERATOR_LABELS[op]} (${op})` }))}
          value={node.op}
          allowDeselect={false}
          disabled={readOnly}
          onChange={(op) => change({ op: (op ?? 'eq') as RuleOperator })}
        />
        {node.op !== 'exists' && (
          <TextInput
            label="Value"
            aria-label={`${label}: value`}
            style={{ flex: '1 1 10rem' }}
            placeholder={valuePlaceholder(node.op)}
            value={node.value}
            disabled={readOnly}
            onChange={(event) => change({ value: event.currentTarget.value })}
          />
        )}
        {hasSelectableValueKind(node) && (
          <Select
            label="Value type"
            aria-label={`${label}: value type`}
            w={120}
            data={[
              { value: 'text', label: 'Text' },
              { value: 'number', label: 'Number' },
              { value: 'boolean', label: 'True/false' },
            ]}
            value={node.valueKind}
            allowDeselect={false}
            disabled={readOnly}
            onChange={(valueKind) => change({ valueKind: (valueKind ?? 'text') as ValueKind })}
          />
        )}
        {!readOnly && onRemove && (
          <ActionIcon
            variant="subtle"
            color="red"
            onClick={onRemove}
            aria-label={`Remove ${label.toLowerCase()}`}
            mb={4}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        )}
      </Group>
      {error && (
        <Text size="xs" c="red" mt={4} role="alert">
          {error}
        </Text>
      )}
    </Paper>
  );
}
