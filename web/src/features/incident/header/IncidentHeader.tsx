import { Anchor, Badge, Box, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconServer2, IconBellRinging, IconWaveSine } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Incident } from '../../../api/types';
import { RelativeTime } from '../../../components/RelativeTime';
import { AssigneeControl } from './AssigneeControl';
import { IncidentActions } from './IncidentActions';
import { SeverityControl } from './SeverityControl';
import { SlaCountdown } from './SlaCountdown';
import { StatusControl } from './StatusControl';
import classes from './IncidentHeader.module.css';

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Box fz="sm">{children}</Box>
    </Group>
  );
}

/**
 * Ref, title, severity, status, SLA and the actions. The bar with the badges and buttons sticks under
 * the app header so Acknowledge and Resolve stay in reach on a phone.
 */
export function IncidentHeader({ incident, escalating }: { incident: Incident; escalating: boolean }) {
  const { t } = useTranslation('incident');
  // A phone gets the same bar, tighter: short severity, the SLA as a bare clock, buttons without icons.
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  return (
    // display: contents, so the sticky bar's containing block is the page rather than this header.
    <Stack gap={6} data-testid="incident-header" component="header" className={classes.header}>
      <Anchor component={Link} href="/incidents" size="sm" c="dimmed" w="fit-content">
        <Group gap={4} wrap="nowrap">
          <IconArrowLeft size={14} aria-hidden />
          {t('header.back')}
        </Group>
      </Anchor>
      <Paper className={classes.bar} data-severity={incident.severity} py={6} px={phone ? 8 : 'sm'} withBorder>
        {/* One flowing row: on a phone the SLA and the buttons share the second line. */}
        <Group gap={phone ? 6 : 'xs'} wrap="wrap">
          <Text ff="monospace" fw={700}>
            {incident.ref}
          </Text>
          <SeverityControl incident={incident} short={phone} />
          <StatusControl incident={incident} />
          <SlaCountdown incident={incident} compact={phone} />
          {incident.flapping && (
            <Badge color="grape" variant="light" radius="sm" leftSection={<IconWaveSine size={12} />}>
              {t('header.flapping')}
            </Badge>
          )}
          <Box ml="auto" w={phone ? '100%' : undefined}>
            <IncidentActions incident={incident} escalating={escalating} compact={phone} />
          </Box>
        </Group>
      </Paper>
      <Title order={1} fz={{ base: 20, sm: 24 }} lh={1.25} style={{ overflowWrap: 'anywhere' }}>
        {incident.title}
      </Title>
      <Group gap="lg" wrap="wrap" style={{ rowGap: 6 }}>
        <Meta label={t('header.service')}>
          <Group gap={4} wrap="nowrap">
            <IconServer2 size={14} aria-hidden />
            {incident.service_id ?? t('header.noService')}
          </Group>
        </Meta>
        <Meta label={t('header.opened')}>
          <RelativeTime at={incident.created_at} />
        </Meta>
        <Meta label={t('header.assignee')}>
          <AssigneeControl incident={incident} />
        </Meta>
        <Meta label={t('header.alerts')}>
          <Group gap={4} wrap="nowrap">
            <IconBellRinging size={14} aria-hidden />
            {t('header.alertCount', { open: incident.open_alert_count, total: incident.alert_count })}
          </Group>
        </Meta>
        {incident.resolved_at && (
          <Meta label={t('header.resolved')}>
            <RelativeTime at={incident.resolved_at} />
          </Meta>
        )}
      </Group>
      {incident.description && (
        <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} lineClamp={4}>
          {incident.description}
        </Text>
      )}
    </Stack>
  );
}
