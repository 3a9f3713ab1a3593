import { Checkbox, PasswordInput, Stack } from '@mantine/core';

interface SecretFieldProps {
  common: {
    id: string;
    label: string;
    description?: string;
    withAsterisk: boolean;
    error?: string;
  };
  value: string;
  /** True when the service stores a value; the input stays empty and never shows it. */
  stored: boolean;
  removed: boolean;
  /** Present for optional secrets, which a merge patch can remove with `null`. */
  onRemovedChange?: (removed: boolean) => void;
  onChange: (value: string) => void;
}

/**
 * Renders a password input that is never refilled, and for a stored optional secret a checkbox
 * that removes it.
 */
export function SecretField({
  common,
  value,
  stored,
  removed,
  onRemovedChange,
  onChange,
}: SecretFieldProps) {
  const description = stored
    ? `${common.description ?? ''} A value is stored; leave this empty to keep it.`.trim()
    : common.description;

  return (
    <Stack gap={4}>
      <PasswordInput
        {...common}
        description={description}
        placeholder={stored ? 'Stored (hidden)' : undefined}
        autoComplete="new-password"
        disabled={removed}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      {stored && onRemovedChange && (
        <Checkbox
          size="xs"
          label={`Remove the stored ${common.label.toLowerCase()}`}
          checked={removed}
          onChange={(event) => onRemovedChange(event.currentTarget.checked)}
        />
      )}
    </Stack>
  );
}
