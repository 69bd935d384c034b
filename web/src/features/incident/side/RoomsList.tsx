import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { IconDoorEnter } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../../auth/session';
import { isOpen } from '../../../api/statuses';
import { useOpenRoom } from '../api';
import type { RoomInfo } from '../types';
import { SidePanel } from './SidePanel';

const STATUS_COLOR: Record<RoomInfo['status'], string> = { opening: 'blue', creating: 'blue', active: 'green', closing: 'yellow', closed: 'gray', failed: 'red' };

/** The incident's rooms on each platform (web, Feishu, Slack…), and a way to open them for P2/P3. */
export function RoomsList({ incidentRef, rooms, status }: { incidentRef: string; rooms: RoomInfo[]; status: string }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const open = useOpenRoom(incidentRef);
  const failed = rooms.some((r) => r.status === 'failed');
  const offer = can && isOpen(status) && (!rooms.length || failed);
  return (
    <SidePanel
      title={t('rooms.title')}
      testId="rooms"
      action={
        offer && (
          <Button size="compact-xs" variant="light" leftSection={<IconDoorEnter size={12} />} loading={open.isPending} onClick={() => open.mutate(undefined)}>
            {failed ? t('rooms.retry') : t('rooms.open')}
          </Button>
        )
      }
    >
      {!rooms.length && (
        <Text size="sm" c="dimmed">
          {t('rooms.none')}
        </Text>
      )}
      <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {rooms.map((r) => (
          <Stack key={`${r.provider}:${r.name}`} component="li" gap={0} data-testid="room" data-provider={r.provider} data-status={r.status}>
            <Group gap={6} wrap="nowrap" justify="space-between">
              <Group gap={6} wrap="nowrap" miw={0}>
                <Badge size="sm" variant="default" radius="sm" style={{ flex: 'none' }}>
                  {t(`rooms.provider.${r.provider}`, { defaultValue: r.provider })}
                </Badge>
                <Text size="sm" truncate>
                  {r.name}
                </Text>
              </Group>
              <Badge size="sm" color={STATUS_COLOR[r.status]} variant="light" radius="sm" style={{ flex: 'none' }}>
                {t(`rooms.status.${r.status}`)}
              </Badge>
            </Group>
            <Text size="xs" c={r.status === 'failed' ? 'red' : 'dimmed'}>
              {r.reason ?? t('rooms.messages', { count: r.human_message_count })}
            </Text>
          </Stack>
        ))}
      </Stack>
    </SidePanel>
  );
}
