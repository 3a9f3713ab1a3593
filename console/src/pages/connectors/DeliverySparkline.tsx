import { Loader, Stack, Text } from '@mantine/core';
import { Sparkline } from '@mantine/charts';
import { api } from '../../api/client';
import { useApiData } from '../../hooks/useApiData';

/** Profiles added and removed per day over the last 7 days, as a sparkline with its total. */
export function DeliverySparkline({ connectorId }: { connectorId: string }) {
  const { data, error, loading } = useApiData(() => api.statistics(connectorId, 7), [connectorId]);

  if (loading && !data) return <Loader size="xs" aria-label="Loading deliveries" />;
  if (error || !data) {
    return (
      <Text size="xs" c="red" title={error}>
        Deliveries unavailable
      </Text>
    );
  }
  const perDay = data.days.map((day) => day.added + day.removed);
  const total = perDay.reduce((sum, count) => sum + count, 0);

  return (
    <Stack gap={2} align="flex-start" style={{ flex: '0 0 9rem' }}>
      <Sparkline
        w={144}
        h={36}
        data={perDay}
        curveType="monotone"
        color="green"
        fillOpacity={0.3}
        strokeWidth={1.5}
        role="img"
        aria-label={`Deliveries per day over the last 7 days: ${perDay.join(', ')}`}
      />
      <Text size="xs" c="dimmed" data-testid="sparkline-total">
        {total.toLocaleString('en')} delivered in 7 days
      </Text>
    </Stack>
  );
}
