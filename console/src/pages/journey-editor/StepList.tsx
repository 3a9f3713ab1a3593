import { Button, Menu, Stack, Text, Title } from '@mantine/core';
import type { CatalogEntry, Connector } from '../../api/types';
import {
  END_OF_JOURNEY,
  freeStepId,
  newStep,
  renameTargets,
  type StepDraft,
  type StepType,
} from './journey-draft';
import { StepCard } from './StepCard';

interface StepListProps {
  steps: StepDraft[];
  connectors: Connector[];
  catalog: CatalogEntry[];
  /** The service's last error message, shown at the step and field it names. */
  error?: string;
  errorStep?: number;
  errorPath?: string;
  fieldErrors: Record<string, string>;
  onChange: (steps: StepDraft[]) => void;
}

/** Edits the steps in order: change, move, remove and add them. */
export function StepList({ steps, onChange, ...props }: StepListProps) {
  const updateStep = (index: number, step: StepDraft) => {
    const oldId = steps[index]?.id;
    const updated = steps.map((old, i) => (i === index ? step : old));
    onChange(oldId === step.id ? updated : renameTargets(updated, step.key, oldId));
  };
  const moveStep = (index: number, offset: -1 | 1) => {
    const reordered = [...steps];
    const [moved] = reordered.splice(index, 1);
    if (moved) reordered.splice(index + offset, 0, moved);
    onChange(reordered);
  };
  const addStep = (type: StepType) => {
    const step = newStep(freeStepId(steps), type);
    // Linking the old last step to the new one keeps every step reachable from the first.
    const linked = steps.map((old, i) =>
      i === steps.length - 1 &&
      (old.type === 'send' || old.type === 'wait') &&
      old.next === END_OF_JOURNEY
        ? { ...old, next: step.id }
        : old,
    );
    onChange([...linked, step]);
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="steps-heading">
      <Title order={2} size="h4" id="steps-heading">
        Steps
      </Title>
      {steps.length === 0 && (
        <Text size="sm" c="dimmed">
          A journey needs at least one step.
        </Text>
      )}
      <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {steps.map((step, index) => (
          <StepCard
            key={step.key}
            step={step}
            index={index}
            steps={steps}
            connectors={props.connectors}
            catalog={props.catalog}
            error={props.errorStep === index ? props.error : undefined}
            errorPath={props.errorPath}
            fieldErrors={props.fieldErrors}
            onChange={(updated) => updateStep(index, updated)}
            onMove={(offset) => moveStep(index, offset)}
            onRemove={() => onChange(steps.filter((_, i) => i !== index))}
          />
        ))}
      </Stack>
      <Menu position="bottom-start">
        <Menu.Target>
          <Button variant="light" w="fit-content">
            Add step
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => addStep('send')}>Send to a connector</Menu.Item>
          <Menu.Item onClick={() => addStep('wait')}>Wait</Menu.Item>
          <Menu.Item onClick={() => addStep('condition')}>Condition</Menu.Item>
          <Menu.Item onClick={() => addStep('exit')}>Exit</Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Stack>
  );
}
