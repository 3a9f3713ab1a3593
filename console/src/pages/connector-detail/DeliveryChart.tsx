import { BarChart } from '@mantine/charts';
import { Rectangle } from 'recharts';
import type { DayCounts } from '../../api/types';
import { DELIVERY_CATEGORIES, formatDay } from './delivery-categories';

/** Stacked bars per UTC day; each bar segment carries `data-category` and its contract colour. */
export function DeliveryChart({ days }: { days: DayCounts[] }) {
  const data = days.map((day) => ({
    day: formatDay(day.date),
    ...Object.fromEntries(
      DELIVERY_CATEGORIES.map((category) => [category.name, category.count(day)]),
    ),
  }));
  const series = DELIVERY_CATEGORIES.map((category) => ({
    name: category.name,
    label: category.label,
    color: category.color,
  }));

  return (
    <BarChart
      h={280}
      data={data}
      dataKey="day"
      type="stacked"
      series={series}
      withLegend={false}
      tooltipAnimationDuration={0}
      tickLine="y"
      gridAxis="y"
      maxBarWidth={36}
      barProps={(item) => ({
        isAnimationActive: false,
        shape: (props: object) => <Rectangle {...props} data-category={item.name} />,
      })}
      barChartProps={{ accessibilityLayer: true }}
      valueFormatter={(value) => value.toLocaleString('en')}
      data-testid="delivery-chart"
    />
  );
}
