import { NumberInput } from '@mantine/core';
import type { StepDraft } from './journey-draft';

function describeDuration(text: string): string {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Up to 366 days (31,622,400 s).';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const parts = [days && `${days} d`, hours && `${hours} h`, minutes && `${minutes} min`].filter(
    Boolean,
  );

  return `${parts.length > 0 ? parts.join(' ') : `${seconds} s`}; up to 366 days.`;
}

interface WaitStepFieldsProps {
  step: StepDraft;
  label: string;
  error?: string;
  onChange: (step: StepDraft) => void;
}

/** Edits the pause of a wait step, in seconds. */
export function WaitStepFields({ step, label, error, onChange }: WaitStepFieldsProps) {
  return (
    <NumberInput
      label="Wait (seconds)"
      aria-label={`${label}: wait in seconds`}
      description={describeDuration(step.durationSeconds)}
      withAsterisk
      min={1}
      allowDecimal={false}
      thousandSeparator=","
      w={260}
      value={step.durationSeconds}
      error={error}
      onChange={(value) => onChange({ ...step, durationSeconds: String(value) })}
    />
  );
}
