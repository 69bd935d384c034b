import { ActionIcon, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowsExchange, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';
import { useCan } from '../../auth/session';
import { useViewerZone } from './people';
import { useDeleteOverride } from './queries';
import type { Override, Schedule } from './types';
import { formatRange } from './zoned';

/** The overrides in the calendar's window, each removable by responders. */
export function OverridesList({ overrides }: { overrides: (Override & { schedule: Schedule })[] }) {
  const { t, i18n } = useTranslation('oncall');
  const name = useUserName();
  const zone = useViewerZone();
  const canEdit = useCan('responder');
  const remove = useDeleteOverride();
  const unique = [...new Map(overrides.map((o) => [o.id, o])).values()].sort((a, b) => a.start.localeCompare(b.start));
  if (!unique.length) return null;

  return (
    <Stack gap={4} mt="md" component="section" aria-labelledby="oncall-overrides-title">
      <Title order={3} size="h6" id="oncall-overrides-title">
        {t('overrides.title', { count: unique.length })}
      </Title>
      {unique.map((o) => (
        <Group key={o.id} gap="xs" wrap="nowrap" justify="space-between" data-testid="override-row" data-override={o.id}>
          <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
            <IconArrowsExchange size={16} aria-hidden style={{ flex: 'none' }} />
            <div style={{ minWidth: 0 }}>
              <Text size="sm" truncate>
                {o.replaces ? t('overrides.covers', { who: name(o.user_id), whom: name(o.replaces) }) : t('overrides.coversAll', { who: name(o.user_id) })}
                <Text span c="dimmed" size="sm">
                  {' '}· {o.schedule.name}
                </Text>
              </Text>
              <Text size="xs" c="dimmed">
                {formatRange(o.start, o.end, zone, i18n.language)}
              </Text>
            </div>
          </Group>
          {canEdit && (
            <Tooltip label={t('override.remove')}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`${t('override.remove')}: ${name(o.user_id)}, ${formatRange(o.start, o.end, zone, i18n.language)}`}
                loading={remove.isPending && remove.variables?.overrideId === o.id}
                onClick={() => remove.mutate({ scheduleId: o.schedule.id, overrideId: o.id })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
      ))}
    </Stack>
  );
}
