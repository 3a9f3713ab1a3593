import { Select } from '@mantine/core';
import { END_OF_JOURNEY, type StepDraft } from './journey-draft';

interface TargetSelectProps {
  label: string;
  /** Accessible name that also names the step, such as "Step 2: next". */
  ariaLabel: string;
  value: string;
  steps: StepDraft[];
  ownKey: string;
  onChange: (target: string) => void;
}

/** Choice of the step a profile goes to next, or the end of the journey. */
export function TargetSelect({
  label,
  ariaLabel,
  value,
  steps,
  ownKey,
  onChange,
}: TargetSelectProps) {
  const options = [
    { value: END_OF_JOURNEY, label: 'End of journey' },
    ...steps
      .filter((step) => step.key !== ownKey && step.id.trim() !== '' && step.id !== END_OF_JOURNEY)
      .map((step) => ({ value: step.id, label: `Step ${step.id} (${step.type})` })),
  ];
  // A target whose step was renamed or removed stays visible until it is changed.
  if (!options.some((option) => option.value === value))
    options.push({ value, label: `${value} (missing step)` });

  return (
    <Select
      label={label}
      aria-label={ariaLabel}
      data={options}
      value={value}
      allowDeselect={false}
      onChange={(target) => onChange(target ?? END_OF_JOURNEY)}
      w={200}
    />
  );
}
