import { Table } from '@mantine/core';
import type { DayCounts, DeliveryCounts } from '../../api/types';
import { DELIVERY_CATEGORIES, sumValues } from './delivery-categories';

function skippedTotal(counts: DeliveryCounts): number {
  return sumValues(counts.skipped);
}

/** Shows the graph's numbers as a table: one row per UTC day, oldest first, and the totals. */
export function DeliveryTable({ days, totals }: { days: DayCounts[]; totals: DeliveryCounts }) {
  const totalsAsDay = { ...totals, date: 'total' };

  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover data-testid="delivery-table">
        <Table.Caption>Deliveries per UTC day by outcome, oldest first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Day (UTC)</Table.Th>
            {DELIVERY_CATEGORIES.map((category) => (
              <Table.Th key={category.name} scope="col" ta="right">
                {category.label}
              </Table.Th>
            ))}
            <Table.Th scope="col" ta="right">
              Failed for good
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Skipped
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {days.map((day) => (
            <Table.Tr key={day.date} data-date={day.date}>
              <Table.Th scope="row">{day.date}</Table.Th>
              {DELIVERY_CATEGORIES.map((category) => (
                <Table.Td key={category.name} ta="right" data-category={category.name}>
                  {category.count(day).toLocaleString('en')}
                </Table.Td>
              ))}
              <Table.Td ta="right">{day.failed.toLocaleString('en')}</Table.Td>
              <Table.Td ta="right">{skippedTotal(day).toLocaleString('en')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr data-date="total">
            <Table.Th scope="row">Total</Table.Th>
            {DELIVERY_CATEGORIES.map((category) => (
              <Table.Td key={category.name} ta="right" fw={600} data-category={category.name}>
                {category.count(totalsAsDay).toLocaleString('en')}
              </Table.Td>
            ))}
            <Table.Td ta="right" fw={600}>
              {totals.failed.toLocaleString('en')}
            </Table.Td>
            <Table.Td ta="right" fw={600}>
              {skippedTotal(totals).toLocaleString('en')}
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}
