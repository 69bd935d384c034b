import { Box, Group, Paper, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTeams } from '../../api/catalog';
import { QueryState } from '../../components/QueryState';
import { NowCard } from './NowCard';
import { useOnCallNow, useSchedules, useTimelines } from './queries';
import { groupByTeam } from './team-of-schedule';

/** "Who do I call right now", per schedule, grouped by team. */
export function NowPanel() {
  const { t } = useTranslation('oncall');
  const now = useOnCallNow();
  const schedules = useSchedules();
  const teams = useTeams();
  // The "until" comes from a timeline starting at page load; a week ahead covers any normal shift.
  const [from] = useState(() => Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
  const items = now.data?.items ?? [];
  const timelines = useTimelines(items.map((i) => i.schedule_id), from, 8);
  const groups = useMemo(
    () => groupByTeam(items, (item) => schedules.data?.find((s) => s.id === item.schedule_id), teams.data ?? []),
    [items, schedules.data, teams.data],
  );

  return (
    <Paper component="section" aria-labelledby="oncall-now-title" data-testid="oncall-now" withBorder p="md" radius="md">
      <Title order={2} size="h4" id="oncall-now-title" mb="sm">
        {t('now.title')}
      </Title>
      <QueryState isLoading={now.isLoading} error={now.error} retry={() => void now.refetch()} />
      {now.data && !items.length && <Text c="dimmed">{t('now.noSchedules')}</Text>}
      <Group gap="lg" align="flex-start" wrap="wrap" aria-live="polite">
        {groups.map((group) => (
          <Box key={group.team?.id ?? ''} w={{ base: '100%', xs: 'auto' }}>
            <Title order={3} size="h6" c="dimmed" tt="uppercase" mb={6}>
              {group.team ? group.team.name : t('now.otherSchedules')}
            </Title>
            <Group gap="sm" align="stretch" wrap="wrap">
              {group.items.map((item) => (
                <Box key={item.schedule_id} w={{ base: '100%', xs: 264 }}>
                  <NowCard item={item} timeline={timelines[items.indexOf(item)]?.data} />
                </Box>
              ))}
            </Group>
          </Box>
        ))}
      </Group>
    </Paper>
  );
}
