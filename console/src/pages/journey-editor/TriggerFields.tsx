import { Group, Select, TextInput } from '@mantine/core';
import type { Audience, JourneyTrigger } from '../../api/types';

interface TriggerFieldsProps {
  trigger: JourneyTrigger;
  audiences: Audience[];
  errors: Record<string, string>;
  onChange: (trigger: JourneyTrigger) => void;
}

/** Edits the journey's trigger: a profile entering an audience, or an event by name. */
export function TriggerFields({ trigger, audiences, errors, onChange }: TriggerFieldsProps) {
  return (
    <Group gap="sm" align="flex-start" wrap="wrap">
      <Select
        label="Trigger"
        w={260}
        data={[
          { value: 'audience_entry', label: 'Profile enters an audience' },
          { value: 'event', label: 'Profile sends an event' },
        ]}
        value={trigger.type}
        allowDeselect={false}
        onChange={(type) =>
          onChange(
            type === 'event'
              ? { type: 'event', name: '' }
              : { type: 'audience_entry', audienceId: '' },
          )
        }
      />
      {trigger.type === 'audience_entry' ? (
        <Select
          label="Audience"
          withAsterisk
          searchable
          style={{ flex: '1 1 14rem' }}
          data={audiences.map((audience) => ({ value: audience.id, label: audience.name }))}
          value={trigger.audienceId || null}
          onChange={(audienceId) =>
            onChange({ type: 'audience_entry', audienceId: audienceId ?? '' })
          }
          error={errors['trigger.audienceId']}
          nothingFoundMessage="No audience matches"
        />
      ) : (
        <TextInput
          label="Event name"
          description="The name sent in POST /api/v1/events."
          withAsterisk
          style={{ flex: '1 1 14rem' }}
          value={trigger.name}
          onChange={(event) => onChange({ type: 'event', name: event.currentTarget.value })}
          error={errors['trigger.name']}
        />
      )}
    </Group>
  );
}
