import { Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { DeliveryCounts } from '../../api/types';

const SKIP_REASONS: { key: keyof DeliveryCounts['skipped']; label: string; help: string }[] = [
  {
    key: 'noIdentifier',
    label: 'No identifier',
    help: 'The profile has none of the identifier types this partner matches on.',
  },
  {
    key: 'invalidIdentifier',
    label: 'Invalid identifier',
    help: 'Every identifier of the profile failed normalization.',
  },
  {
    key: 'deactivated',
    label: 'Connector deactivated',
    help: 'The delivery was waiting when the connector was deactivated.',
  },
  {
    key: 'noConsent',
    label: 'No consent',
    help: 'The profile denied the consent purpose this partner needs.',
  },
];

/** Shows activations never sent, by reason, apart from the errors because they are not errors. */
export function SkipsSummary({ skipped }: { skipped: DeliveryCounts['skipped'] }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby="skips-heading">
      <Title order={3} size="h5" id="skips-heading">
        Skipped (never sent, not errors)
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" data-testid="skips">
        {SKIP_REASONS.map((reason) => (
          <Paper key={reason.key} withBorder p="sm" radius="md">
            <Text size="sm" fw={600}>
              {reason.label}: {skipped[reason.key].toLocaleString('en')}
            </Text>
            <Text size="xs" c="dimmed">
              {reason.help}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
