import { Anchor, List } from '@mantine/core';
import { Link } from 'react-router';
import type { ConnectorUsage } from '../../api/types';

/** Lists every audience and journey version that uses a connector, each a link to its editor. */
export function UsageLinks({ usage }: { usage: ConnectorUsage }) {
  return (
    <List size="sm" spacing={2}>
      {usage.audiences.map((audience) => (
        <List.Item key={`audience-${audience.id}`}>
          Audience{' '}
          <Anchor component={Link} to={`/audiences/${audience.id}`}>
            {audience.name}
          </Anchor>
        </List.Item>
      ))}
      {usage.journeys.map((journey) => (
        <List.Item key={`journey-${journey.id}-${journey.version}`}>
          Journey{' '}
          <Anchor component={Link} to={`/journeys/${journey.id}`}>
            {journey.name}
          </Anchor>{' '}
          ({journey.version})
        </List.Item>
      ))}
    </List>
  );
}
