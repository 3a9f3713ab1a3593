import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Text>
        The console has no page at this address.{' '}
        <Anchor component={Link} to="/connectors">
          Go to the connectors
        </Anchor>
        .
      </Text>
    </>
  );
}
