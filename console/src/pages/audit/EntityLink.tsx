import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import type { AuditEntry } from '../../api/types';

const ENTITY_PAGES: Record<string, string> = {
  connector: '/connectors',
  audience: '/audiences',
  journey: '/journeys',
};

/** Shows the entity's id as a link to its page, or as text after a delete. */
export function EntityLink({ entry }: { entry: AuditEntry }) {
  const base = ENTITY_PAGES[entry.entity];
  const deleted = entry.action.endsWith('.delete');
  if (!base || deleted) return <>{entry.entityId}</>;

  return (
    <Anchor component={Link} to={`${base}/${entry.entityId}`}>
      {entry.entityId}
    </Anchor>
  );
}
