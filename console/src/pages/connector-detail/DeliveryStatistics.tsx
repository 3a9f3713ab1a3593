import {
  Button,
  Collapse,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useState } from 'react';
import { api } from '../../api/client';
import type { ErrorSample, StatisticsWindow } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { useApiData } from '../../hooks/useApiData';
import { DeliveryChart } from './DeliveryChart';
import { DeliveryLegend } from './DeliveryLegend';
import { DeliveryTable } from './DeliveryTable';
import { DeliveryTotals } from './DeliveryTotals';
import { PartnerCodesTable } from './PartnerCodesTable';
import { SkipsSummary } from './SkipsSummary';

interface DeliveryStatisticsProps {
  connectorId: string;
  samples: ErrorSample[];
}

/** Shows deliveries per day for 7, 30 or 90 days: graph, table, totals, skips, partner codes. */
export function DeliveryStatistics({ connectorId, samples }: DeliveryStatisticsProps) {
  const [days, setDays] = useState<StatisticsWindow>(7);
  const [tableShown, setTableShown] = useState(false);
  const { data, error, loading, reload } = useApiData(
    () => api.statistics(connectorId, days),
    [connectorId, days],
  );

  return (
    <Stack gap="md" component="section" aria-labelledby="deliveries-heading">
      <Paper withBorder radius="md" p="md" data-testid="delivery-graph">
        <Stack gap="md">
          <Group justify="space-between" gap="sm">
            <Title order={2} size="h4" id="deliveries-heading">
              Deliveries per day
            </Title>
            <Group gap="sm">
              <SegmentedControl
                aria-label="Window"
                value={String(days)}
                onChange={(value) => setDays(Number(value) as StatisticsWindow)}
                data={[
                  { value: '7', label: '7 days' },
                  { value: '30', label: '30 days' },
                  { value: '90', label: '90 days' },
                ]}
              />
              <Button variant="subtle" size="xs" onClick={reload}>
                Refresh
              </Button>
            </Group>
          </Group>
          {error && <ErrorMessage message={error} onRetry={reload} />}
          {loading && !data && <LoadingState label="Loading statistics…" />}
          {data && (
            <>
              <figure
                data-testid="delivery-window"
                data-days={data.days.length}
                aria-busy={loading}
                style={{ margin: 0 }}
              >
                <VisuallyHidden component="figcaption">
                  Stacked bars of deliveries per UTC day by outcome over the last {days} days. Arrow
                  keys move between days; Show table lists the same numbers.
                </VisuallyHidden>
                <DeliveryChart days={data.days} />
              </figure>
              <DeliveryLegend />
            </>
          )}
        </Stack>
      </Paper>
      {data && (
        <>
          <div>
            <Button
              variant="default"
              size="xs"
              aria-expanded={tableShown}
              aria-controls="delivery-table-region"
              onClick={() => setTableShown((shown) => !shown)}
            >
              {tableShown ? 'Hide table' : 'Show table'}
            </Button>
            <Collapse expanded={tableShown} id="delivery-table-region">
              <div style={{ paddingTop: 'var(--mantine-spacing-sm)' }}>
                <DeliveryTable days={data.days} totals={data.totals} />
              </div>
            </Collapse>
          </div>
          <DeliveryTotals totals={data.totals} pendingRetry={data.pendingRetry} days={days} />
          <SkipsSummary skipped={data.totals.skipped} />
          <PartnerCodesTable codes={data.totals.errors.partner} samples={samples} />
        </>
      )}
    </Stack>
  );
}
