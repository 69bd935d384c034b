import { Avatar, Badge, Divider, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RoomOverview } from '../types';
import { RoleAssignments } from './RoleAssignments';
import { SidePanel } from './SidePanel';

/** Who is in the room and why, with the incident roles on top. */
export function Participants({ incidentRef, room }: { incidentRef: string; room: RoomOverview }) {
  const { t } = useTranslation('incident');
  const roleOf = (userId: string) => room.roles.filter((r) => r.user_id === userId).map((r) => r.role);
  return (
    <SidePanel title={t('participants.title')} count={room.members.length} testId="participants">
      <RoleAssignments incidentRef={incidentRef} roles={room.roles} />
      <Divider my="xs" />
      {!room.members.length && (
        <Text size="sm" c="dimmed">
          {t('participants.empty')}
        </Text>
      )}
      <Stack gap={8} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {room.members.map((m) => (
          <Group key={m.user_id} component="li" gap="xs" wrap="nowrap" align="flex-start" data-testid="participant" data-user={m.user_id}>
            <Avatar size={28} radius="xl" color="initials" name={m.name} />
            <Stack gap={0} miw={0} style={{ flex: 1 }}>
              <Group gap={4} wrap="wrap">
                <Text size="sm" fw={600}>
                  {m.name}
                </Text>
                {roleOf(m.user_id).map((role) => (
                  <Badge key={role} size="xs" color="teal" variant="light" radius="sm">
                    {t(`roles.${role}`)}
                  </Badge>
                ))}
              </Group>
              {m.reasons.length > 0 && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {m.reasons.join(' · ')}
                </Text>
              )}
              <Text size="xs" c={m.message_count ? 'dimmed' : 'orange'}>
                {m.message_count ? t('participants.messages', { count: m.message_count }) : t('participants.silent')}
              </Text>
            </Stack>
          </Group>
        ))}
      </Stack>
    </SidePanel>
  );
}
