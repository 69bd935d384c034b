import { Badge, Group, Text } from '@mantine/core';
import { IconCalendarUser, IconUser, IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useTeams, useUserName } from '../../api/catalog';
import { useOnCallNow, useSchedules } from '../oncall/queries';
import type { Target } from './types';

/** A policy target with its kind, its name and, for a schedule, who it reaches right now. */
export function TargetBadge({ target }: { target: Target }) {
  const { t } = useTranslation('config');
  const name = useUserName();
  const schedules = useSchedules().data ?? [];
  const teams = useTeams().data ?? [];
  const now = useOnCallNow().data;

  if ('user' in target) {
    return (
      <Badge variant="light" color="blue" size="lg" radius="sm" tt="none" fw={600} leftSection={<IconUser size={14} aria-hidden />} title={t('target.user')}>
        {name(target.user)}
      </Badge>
    );
  }
  if ('schedule' in target) {
    const schedule = schedules.find((s) => s.id === target.schedule);
    const onCall = now?.items.find((i) => i.schedule_id === target.schedule)?.user_ids ?? [];
    return (
      <Group gap={6} wrap="wrap" component="span">
        <Badge
          component={Link}
          href="/oncall"
          variant="light"
          color="teal"
          size="lg"
          radius="sm"
          tt="none"
          fw={600}
          leftSection={<IconCalendarUser size={14} aria-hidden />}
          title={t('target.schedule')}
          style={{ cursor: 'pointer' }}
        >
          {schedule?.name ?? target.schedule}
        </Badge>
        {now && (
          <Text span size="xs" c={onCall.length ? 'dimmed' : 'red'}>
            {onCall.length ? t('target.nowOnCall', { names: onCall.map(name).join(', ') }) : t('target.nobodyNow')}
          </Text>
        )}
      </Group>
    );
  }
  const team = teams.find((x) => x.id === target.team);
  return (
    <Badge variant="light" color="grape" size="lg" radius="sm" tt="none" fw={600} leftSection={<IconUsersGroup size={14} aria-hidden />} title={t('target.team')}>
      {t('target.teamName', { name: team?.name ?? target.team, count: team?.members.length ?? 0 })}
    </Badge>
  );
}
