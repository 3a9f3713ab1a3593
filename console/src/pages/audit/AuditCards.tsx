import { Code, Paper, Stack, Text } from '@mantine/core';
import type { AuditEntry } from '../../api/types';
import { EntityLink } from './EntityLink';
import { formatAuditTime } from './format-audit-time';

/** Lists audit entries as stacked cards, for narrow screens. */
export function AuditCards({ entries }: { entries: AuditEntry[] }) {
  return (
    <Stack
      gap="sm"
      component="ol"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
      data-testid="audit-cards"
    >
      {entries.map((entry, index) => (
        <Paper key={`${entry.at}-${index}`} withBorder p="sm" radius="md" component="li">
          <Text fw={600} size="sm">
            {entry.action}
          </Text>
          <Text size="xs" c="dimmed">
            {formatAuditTime(entry.at)} UTC by {entry.actor}
          </Text>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {entry.entity} <EntityLink entry={entry} />
          </Text>
          <Code block mt={4} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {JSON.stringify(entry.changes, null, 1)}
          </Code>
        </Paper>
      ))}
    </Stack>
  );
}
