import { Paper, SimpleGrid, Text } from '@mantine/core';
import type { DeliveryCounts } from '../../api/types';
import { DELIVERY_CATEGORIES } from './delivery-categories';

interface DeliveryTotalsProps {
  totals: DeliveryCounts;
  pendingRetry: number;
  days: number;
}

function Figure({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" style={color ? { color } : undefined}>
        {value.toLocaleString('en')}
      </Text>
    </Paper>
  );
}

/** Shows window totals per outcome, activations failed for good, and those awaiting a retry. */
export function DeliveryTotals({ totals, pendingRetry, days }: DeliveryTotalsProps) {
  const totalsAsDay = { ...totals, date: 'total' };

  return (
    <section aria-label={`Totals for the last ${days} days`}>
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 8 }} spacing="sm" data-testid="delivery-totals">
        {DELIVERY_CATEGORIES.map((category) => (
          <Figure
            key={category.name}
            label={category.label}
            value={category.count(totalsAsDay)}
            color={category.color}
          />
        ))}
        <Figure label="Failed for good" value={totals.failed} />
        <Figure label="Waiting for a retry" value={pendingRetry} />
      </SimpleGrid>
    </section>
  );
}
