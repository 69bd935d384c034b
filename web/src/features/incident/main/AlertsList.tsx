import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { IconExternalLink, IconStack2, IconWaveSine } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../api/types';
import { RelativeTime } from '../../../components/RelativeTime';
import classes from './main.module.css';

const isUrl = (value: string) => /^https?:\/\//i.test(value);

function AlertCard({ alert }: { alert: Alert }) {
  const { t } = useTranslation('incident');
  const firing = alert.status === 'firing';
  return (
    <Paper withBorder p="sm" component="li" data-testid="alert-item" data-status={alert.status}>
      <Stack gap={6}>
        <Group gap="xs" wrap="nowrap" align="flex-start" justify="space-between">
          <Group gap="xs" wrap="wrap" miw={0}>
            <Badge color={firing ? 'red' : 'green'} variant={firing ? 'filled' : 'light'} radius="sm" size="sm">
              {t(`alerts.status.${firing ? 'firing' : 'resolved'}`)}
            </Badge>
            <Text fw={600} size="sm" className={classes.wrapText}>
              {alert.title}
            </Text>
            {alert.count > 1 && (
              <Badge variant="default" radius="sm" size="sm">
                ×{alert.count}
              </Badge>
            )}
            {alert.flapping && (
              <Badge color="grape" variant="light" radius="sm" size="sm" leftSection={<IconWaveSine size={12} />}>
                {t('header.flapping')}
              </Badge>
            )}
          </Group>
          {alert.generator_url && isUrl(alert.generator_url) && (
            <Anchor href={alert.generator_url} target="_blank" rel="noopener noreferrer" size="xs" style={{ flex: 'none' }}>
              <Group gap={2} wrap="nowrap">
                {t('alerts.openSource')}
                <IconExternalLink size={12} aria-hidden />
              </Group>
            </Anchor>
          )}
        </Group>
        <Group gap={6} wrap="nowrap" align="flex-start" className={classes.groupReason}>
          <IconStack2 size={16} aria-hidden style={{ flex: 'none', marginTop: 2 }} />
          <Text size="sm">
            <Text span fw={600} size="sm">
              {t('alerts.groupReason')}
            </Text>{' '}
            {alert.group_reason}
          </Text>
        </Group>
        {alert.description && (
          <Text size="sm" c="dimmed" className={classes.wrapText} lineClamp={3}>
            {alert.description}
          </Text>
        )}
        <Group gap={4} wrap="wrap" aria-label={t('alerts.labels')}>
          {Object.entries(alert.labels).map(([key, value]) => (
            <Badge key={key} variant="outline" color="gray" radius="sm" size="sm" tt="none" fw={500} className={classes.label}>
              {key}={value}
            </Badge>
          ))}
        </Group>
        {Object.entries(alert.annotations)
          .filter(([key]) => key !== 'description' && key !== 'summary')
          .map(([key, value]) => (
            <Text key={key} size="xs" className={classes.wrapText}>
              <Text span c="dimmed" size="xs">
                {key}:{' '}
              </Text>
              {isUrl(value) ? (
                <Anchor href={value} target="_blank" rel="noopener noreferrer" size="xs">
                  {value}
                </Anchor>
              ) : (
                value
              )}
            </Text>
          ))}
        <Group gap="md" wrap="wrap">
          <Text size="xs" c="dimmed">
            {t('alerts.source', { source: alert.source })}
            {alert.source_severity ? ` · ${alert.source_severity}` : ''}
          </Text>
          <Text size="xs" c="dimmed">
            {t('alerts.started')} <RelativeTime at={alert.starts_at} />
          </Text>
          <Text size="xs" c="dimmed">
            {t('alerts.lastSeen')} <RelativeTime at={alert.last_seen_at} />
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The alerts behind the incident, firing first, each with why it was grouped here. */
export function AlertsList({ alerts }: { alerts: Alert[] }) {
  const { t } = useTranslation('incident');
  const sorted = [...alerts].sort((a, b) => Number(b.status === 'firing') - Number(a.status === 'firing') || b.last_seen_at.localeCompare(a.last_seen_at));
  return (
    <Stack gap="xs" component="ul" data-testid="alerts-list" className={classes.plainList}>
      {!sorted.length && (
        <Text size="sm" c="dimmed" py="md" ta="center" component="li">
          {t('alerts.empty')}
        </Text>
      )}
      {sorted.map((a) => (
        <AlertCard key={a.id} alert={a} />
      ))}
    </Stack>
  );
}
