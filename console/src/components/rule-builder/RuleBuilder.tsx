import { RuleGroupEditor } from './RuleGroupEditor';
import type { GroupNode } from './rule-model';

interface RuleBuilderProps {
  value: GroupNode;
  onChange?: (value: GroupNode) => void;
  /** Path of the rule in service errors, such as `rule` or `steps[2].rule`. */
  rootPath?: string;
  /** Path and message of a service validation error, shown at the condition it names. */
  errorPath?: string;
  errorMessage?: string;
  readOnly?: boolean;
  label?: string;
}

/** Edits a rule: and/or/not groups of attribute and identifier conditions. */
export function RuleBuilder({
  value,
  onChange,
  rootPath = 'rule',
  readOnly = false,
  label = 'Group 1',
  ...errors
}: RuleBuilderProps) {
  return (
    <RuleGroupEditor
      node={value}
      path={rootPath}
      label={label}
      errorPath={errors.errorPath}
      errorMessage={errors.errorMessage}
      readOnly={readOnly || !onChange}
      onChange={(node) => onChange?.(node)}
    />
  );
}
