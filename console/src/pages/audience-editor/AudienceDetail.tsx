import { Alert, Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { RuleBuilder } from '../../components/rule-builder/RuleBuilder';
import { fromRule } from '../../components/rule-builder/rule-model';
import { useApiData } from '../../hooks/useApiData';
import { AddConnectionForm } from './AddConnectionForm';
import { AudienceConnectionsTable } from './AudienceConnectionsTable';
import { MembersForm } from './MembersForm';

/** Shows an existing audience: rule, member count, connections with delivery counts, members. */
export function AudienceDetail({ id }: { id: string }) {
  const audience = useApiData(() => api.audience(id), [id]);
  const lookups = useApiData(() => Promise.all([api.connectors(), api.catalog()]), []);

  if ((audience.loading && !audience.data) || (lookups.loading && !lookups.data)) {
    return <LoadingState label="Loading the audience…" />;
  }
  if (!audience.data)
    return <ErrorMessage message={audience.error ?? 'No audience'} onRetry={audience.reload} />;
  if (!lookups.data)
    return <ErrorMessage message={lookups.error ?? 'No connectors'} onRetry={lookups.reload} />;
  const current = audience.data;
  const [connectors, catalog] = lookups.data;

  return (
    <>
      <PageHeader
        title={current.name}
        description={
          <Group gap="xs" component="span">
            <Badge variant="light" color={current.rule ? 'indigo' : 'gray'}>
              {current.rule ? 'rule' : 'managed'}
            </Badge>
            <Text span data-testid="member-count">
              {current.memberCount.toLocaleString('en')} members
            </Text>
            <Anchor component={Link} to="/audiences" size="sm">
              All audiences
            </Anchor>
          </Group>
        }
      />
      <Stack gap="xl">
        {audience.error && <ErrorMessage message={audience.error} onRetry={audience.reload} />}
        <Stack gap="sm" component="section" aria-labelledby="membership-heading">
          <Title order={2} size="h4" id="membership-heading">
            Membership
          </Title>
          {current.rule ? (
            <>
              <Alert color="gray" variant="light">
                The API keeps an audience&apos;s rule as created: it has no endpoint to change it.
                To use another rule, create a new audience.
              </Alert>
              <RuleBuilder value={fromRule(current.rule)} readOnly />
            </>
          ) : (
            <Paper withBorder p="md" radius="md">
              <MembersForm audienceId={current.id} onChanged={audience.reload} />
            </Paper>
          )}
        </Stack>
        <Stack gap="sm" component="section" aria-labelledby="connections-heading">
          <Title order={2} size="h4" id="connections-heading">
            Connections
          </Title>
          <AudienceConnectionsTable
            audience={current}
            connectors={connectors}
            onChanged={audience.reload}
          />
          <Paper withBorder p="md" radius="md">
            <AddConnectionForm
              audience={current}
              connectors={connectors}
              catalog={catalog}
              onAdded={audience.setData}
            />
          </Paper>
        </Stack>
      </Stack>
    </>
  );
}
