import { Group, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { api } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';
import { AuditCards } from './AuditCards';
import { AuditTable } from './AuditTable';

/** Shows the newest 100 configuration changes, optionally of one entity; secrets are redacted. */
export function AuditLogPage() {
  const [entityId, setEntityId] = useState('');
  const [filter] = useDebouncedValue(entityId.trim(), 300);
  const narrow = useMediaQuery('(max-width: 48em)');
  const { data, error, loading, reload } = useApiData(
    () => api.audit(filter || undefined),
    [filter],
  );

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every configuration change, newest first (the last 100 shown)."
      />
      <Group mb="md">
        <TextInput
          label="Entity id"
          description="Show only the changes of one connector, audience or journey."
          value={entityId}
          onChange={(event) => setEntityId(event.currentTarget.value)}
          w={360}
          maw="100%"
        />
      </Group>
      {error && <ErrorMessage message={error} onRetry={reload} />}
      {loading && !data && <LoadingState label="Loading the audit log…" />}
      {data && data.length === 0 && (
        <EmptyState
          title="No changes recorded"
          description={filter ? 'Nothing has changed for this id.' : undefined}
        />
      )}
      {data &&
        data.length > 0 &&
        (narrow ? <AuditCards entries={data} /> : <AuditTable entries={data} />)}
    </>
  );
}
