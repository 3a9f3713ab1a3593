import { NavLink } from '@mantine/core';
import { IconHistory, IconPlugConnected, IconRoute, IconUsersGroup } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';

/** Renders the console's main navigation; `onNavigate` closes the drawer on narrow screens. */
export function NavigationLinks({ onNavigate }: { onNavigate: () => void }) {
  const { pathname } = useLocation();
  const isActive = (prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

  return (
    <nav aria-label="Main">
      <NavLink
        label="Connectors"
        leftSection={<IconPlugConnected size={18} aria-hidden />}
        defaultOpened
        childrenOffset={28}
      >
        <NavLink
          component={Link}
          to="/connectors"
          label="Server to Server Connectors"
          active={isActive('/connectors')}
          aria-current={isActive('/connectors') ? 'page' : undefined}
          onClick={onNavigate}
        />
      </NavLink>
      <NavLink
        component={Link}
        to="/audiences"
        label="Audiences"
        leftSection={<IconUsersGroup size={18} aria-hidden />}
        active={isActive('/audiences')}
        aria-current={isActive('/audiences') ? 'page' : undefined}
        onClick={onNavigate}
      />
      <NavLink
        component={Link}
        to="/journeys"
        label="Journeys"
        leftSection={<IconRoute size={18} aria-hidden />}
        active={isActive('/journeys')}
        aria-current={isActive('/journeys') ? 'page' : undefined}
        onClick={onNavigate}
      />
      <NavLink
        component={Link}
        to="/audit"
        label="Audit log"
        leftSection={<IconHistory size={18} aria-hidden />}
        active={isActive('/audit')}
        aria-current={isActive('/audit') ? 'page' : undefined}
        onClick={onNavigate}
      />
    </nav>
  );
}
