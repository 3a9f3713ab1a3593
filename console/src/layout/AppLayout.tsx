import { AppShell, Burger, Button, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { NavigationLinks } from './NavigationLinks';

interface AppLayoutProps {
  children: ReactNode;
  onSignOut: () => void;
  signingOut: boolean;
}

/** Lays out the header, the navigation (a drawer below the `sm` breakpoint) and the page. */
export function AppLayout({ children, onSignOut, signingOut }: AppLayoutProps) {
  const [navigationOpened, navigation] = useDisclosure(false);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !navigationOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navigationOpened}
              onClick={navigation.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navigationOpened ? 'Close navigation' : 'Open navigation'}
            />
            <Text fw={700} size="lg">
              Activator
            </Text>
          </Group>
          <Button variant="default" size="xs" onClick={onSignOut} loading={signingOut}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <NavigationLinks onNavigate={navigation.close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <div style={{ maxWidth: 1200, margin: '0 auto' }}>{children}</div>
      </AppShell.Main>
    </AppShell>
  );
}
