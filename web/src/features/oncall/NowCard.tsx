import { Avatar, Badge, Card, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';
import { shortDuration } from '../../components/duration';
import { useNow } from '../../components/use-now';
import { useUserColor, useViewerZone } from './people';
import type { OnCallNowItem, Timeline } from './types';
import { mergeSegments } from './merge';
import { formatIn } from './zoned';

/** One schedule's answer right now: who, from which layer or override, until when, and who is next. */
export function NowCard({ item, timeline }: { item: OnCallNowItem; timeline: Timeline | undefined }) {
  const { t, i18n } = useTranslation('oncall');
  const now = useNow();
  const name = useUserName();
  const color = useUserColor();
  const zone = useViewerZone();
  const segments = mergeSegments(timeline?.segments ?? []);
  const index = segments.findIndex((s) => Date.parse(s.start) <= now && now < Date.parse(s.end));
  const current = index >= 0 ? segments[index] : undefined;
  const next = index >= 0 ? segments[index + 1] : undefined;
  const uncovered = item.user_ids.length === 0;

  return (
    <Card withBorder padding="sm" radius="md" h="100%" data-schedule={item.schedule_id} style={uncovered ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}>
      <div style={{ marginBottom: 6 }}>
        <Text fw={600} size="sm" lh={1.3}>
          {item.name}
        </Text>
        <Text size="xs" c="dimmed">
          {item.timezone}
        </Text>
      </div>
      {uncovered ? (
        <Group gap={6} c="red">
          <IconAlertTriangle size={18} aria-hidden />
          <Text fw={700} size="sm">
            {t('now.nobody')}
          </Text>
        </Group>
      ) : (
        <Stack gap={4}>
          {item.user_ids.map((id) => (
            <Group key={id} gap={8} wrap="nowrap">
              <Avatar size={28} radius="xl" color={color(id)} variant="filled" name={name(id)} aria-hidden />
              <Text fw={700} truncate data-user={id}>
                {name(id)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      <Group gap={6} mt={8} wrap="wrap">
        {item.source === 'override' ? (
          <Badge size="sm" variant="outline" color="grape">
            {t('source.override')}
          </Badge>
        ) : item.layer ? (
          <Badge size="sm" variant="light" color="gray" tt="none">
            {t('now.layer', { layer: item.layer })}
          </Badge>
        ) : null}
        {current && (
          <Text size="xs" c="dimmed">
            {t(Date.parse(current.end) >= Date.parse(segments.at(-1)!.end) ? 'now.untilAtLeast' : 'now.until', {
              time: formatIn(current.end, zone, i18n.language),
              left: shortDuration(Date.parse(current.end) - now),
            })}
          </Text>
        )}
      </Group>
      {next && (
        <Text size="xs" mt={4} c={next.user_ids.length ? undefined : 'red'}>
          {next.user_ids.length ? t('now.next', { names: next.user_ids.map(name).join(', ') }) : t('now.nextGap')}
        </Text>
      )}
    </Card>
  );
}
