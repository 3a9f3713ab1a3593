import { ColorSwatch, Group, Text } from '@mantine/core';
import { DELIVERY_CATEGORIES } from './delivery-categories';

/** Shows the outcome colours of the delivery graph. */
export function DeliveryLegend() {
  return (
    <Group
      gap="md"
      component="ul"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
      aria-label="Legend"
    >
      {DELIVERY_CATEGORIES.map((category) => (
        <Group key={category.name} gap={6} component="li" data-category={category.name}>
          <ColorSwatch
            color={category.color}
            size={14}
            radius="sm"
            withShadow={false}
            aria-hidden
          />
          <Text size="sm">{category.label}</Text>
        </Group>
      ))}
    </Group>
  );
}
