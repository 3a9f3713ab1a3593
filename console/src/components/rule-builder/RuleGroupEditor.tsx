import { Button, Checkbox, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { RuleConditionEditor } from './RuleConditionEditor';
import { childPath, type GroupNode, newCondition, newGroup, type RuleNode } from './rule-model';

interface RuleGroupEditorProps {
  node: GroupNode;
  /** Rule path of this group in service errors, such as `rule` or `rule.and[1]`. */
  path: string;
  /** Label naming the group, such as "Group 1". */
  label: string;
  errorPath?: string;
  errorMessage?: string;
  readOnly: boolean;
  onChange: (node: GroupNode) => void;
  onRemove?: () => void;
}

function errorFor(path: string, errorPath?: string, message?: string): string | undefined {
  if (!errorPath || !message) return undefined;

  return errorPath === path || errorPath.startsWith(`${path}.`) ? message : undefined;
}

/** Edits an and/or group of conditions and nested groups, optionally negated. */
export function RuleGroupEditor(props: RuleGroupEditorProps) {
  const { node, path, label, readOnly, onChange } = props;
  const replaceChild = (index: number, child: RuleNode) =>
    onChange({ ...node, children: node.children.map((old, i) => (i === index ? child : old)) });
  const removeChild = (index: number) =>
    onChange({ ...node, children: node.children.filter((_, i) => i !== index) });
  const addChild = (child: RuleNode) => onChange({ ...node, children: [...node.children, child] });

  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      bg="var(--mantine-color-gray-0)"
      role="group"
      aria-label={label}
    >
      <Stack gap="xs">
        <Group gap="sm" justify="space-between">
          <Group gap="sm">
            <SegmentedControl
              size="xs"
              aria-label={`${label}: combine with`}
              value={node.combinator}
              disabled={readOnly}
              onChange={(value) =>
                onChange({ ...node, combinator: value as GroupNode['combinator'] })
              }
              data={[
                { value: 'and', label: 'All of (and)' },
                { value: 'or', label: 'Any of (or)' },
              ]}
            />
            <Checkbox
              label="NOT"
              aria-label={`${label}: negate`}
              checked={node.negated}
              disabled={readOnly}
              onChange={(event) => onChange({ ...node, negated: event.currentTarget.checked })}
            />
          </Group>
          {!readOnly && props.onRemove && (
            <Button size="compact-xs" variant="subtle" color="red" onClick={props.onRemove}>
              Remove group
            </Button>
          )}
        </Group>
        {node.children.length === 0 && (
          <Text size="xs" c="red">
            A group needs at least one condition.
          </Text>
        )}
        {node.children.map((child, index) => {
          const path = childPath(props.path, node, index);
          const childLabel = `${label.replace(/^Group/, child.kind === 'group' ? 'Group' : 'Condition')}.${index + 1}`;
          return child.kind === 'group' ? (
            <RuleGroupEditor
              key={child.key}
              node={child}
              path={path}
              label={childLabel}
              errorPath={props.errorPath}
              errorMessage={props.errorMessage}
              readOnly={readOnly}
              onChange={(updated) => replaceChild(index, updated)}
              onRemove={() => removeChild(index)}
            />
          ) : (
            <RuleConditionEditor
              key={child.key}
              node={child}
              label={childLabel}
              error={errorFor(path, props.errorPath, props.errorMessage)}
              readOnly={readOnly}
              onChange={(updated) => replaceChild(index, updated)}
              onRemove={() => removeChild(index)}
            />
          );
        })}
        {!readOnly && (
          <Group gap="xs">
            <Button size="compact-sm" variant="light" onClick={() => addChild(newCondition())}>
              Add condition
            </Button>
            <Button size="compact-sm" variant="default" onClick={() => addChild(newGroup())}>
              Add group
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
