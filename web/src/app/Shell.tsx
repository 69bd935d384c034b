import { Anchor, AppShell, Box, Badge, Burger, Group, Menu, NavLink, Text, UnstyledButton, Indicator, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconCalendarUser, IconHierarchy2, IconServer2, IconSettings, IconLogout } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { useLiveConnected } from '../api/live';
import { useLogout, useSession } from '../auth/session';
import { LanguageSwitch } from './LanguageSwitch';

const NAV = [
  { path: '/incidents', key: 'incidents', icon: IconAlertTriangle },
  { path: '/oncall', key: 'oncall', icon: IconCalendarUser },
  { path: '/policies', key: 'policies', icon: IconHierarchy2 },
  { path: '/services', key: 'services', icon: IconServer2 },
  { path: '/settings', key: 'settings', icon: IconSettings },
] as const;

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const [location] = useLocation();
  const { data: session } = useSession();
  const logout = useLogout();
  const live = useLiveConnected();

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {t('skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="menu" />
            <Anchor component={Link} href="/incidents" underline="never" c="inherit" fw={800} fz="lg" style={{ whiteSpace: 'nowrap' }}>
              🚨 warroom
            </Anchor>
            <Tooltip label={live ? t('live.connected') : t('live.reconnecting')}>
              <span role="status" aria-label={live ? t('live.connected') : t('live.reconnecting')}>
                <Indicator color={live ? 'green' : 'gray'} processing={live} size={9} position="middle-end">
                  <span style={{ display: 'inline-block', width: 4 }} />
                </Indicator>
              </span>
            </Tooltip>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {/* On a phone the switch lives in Settings, leaving the header to the essentials. */}
            <Box visibleFrom="sm">
              <LanguageSwitch />
            </Box>
            {session && (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <UnstyledButton data-testid="user-menu" title={t('signedInAs', { name: session.user.name })}>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={600} maw={{ base: 90, sm: 200 }} truncate>
                        {session.user.name}
                      </Text>
                      <Badge size="sm" variant="light" color={session.user.role === 'admin' ? 'grape' : session.user.role === 'responder' ? 'blue' : 'gray'}>
                        {t(`role.${session.user.role}`)}
                      </Badge>
                    </Group>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>{t('signedInAs', { name: session.user.name })}</Menu.Label>
                  <Menu.Item leftSection={<IconLogout size={14} />} onClick={() => logout.mutate()}>
                    {t('signOut')}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="main">
        {NAV.map((item) => (
          <NavLink
            key={item.path}
            component={Link}
            href={item.path}
            label={t(`nav.${item.key}`)}
            leftSection={<item.icon size={18} stroke={1.6} />}
            active={location.startsWith(item.path)}
            onClick={close}
            aria-current={location.startsWith(item.path) ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main">{children}</AppShell.Main>
    </AppShell>
  );
}
