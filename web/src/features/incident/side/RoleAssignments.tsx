import { Group, Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useUserName, useUsers } from '../../../api/catalog';
import { useCan } from '../../../auth/session';
import { incidentPath, useIncidentMutation } from '../api';
import { INCIDENT_ROLES, type IncidentRole, type RoomOverview } from '../types';

/** Commander, scribe and liaison: who holds each, and (for responders) a picker to change it. */
export function RoleAssignments({ incidentRef, roles }: { incidentRef: string; roles: RoomOverview['roles'] }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const users = useUsers();
  const name = useUserName();
  const set = useIncidentMutation(incidentRef, ({ role, userId }: { role: IncidentRole; userId: string | null }) => api.put(`${incidentPath(incidentRef)}/roles/${role}`, { user_id: userId }), {
    success: (_r, { role, userId }) => (userId ? t('done.role', { name: name(userId), role: t(`roles.${role}`) }) : t('done.roleCleared', { role: t(`roles.${role}`) })),
  });
  const options = (users.data ?? []).filter((u) => u.role !== 'viewer').map((u) => ({ value: u.id, label: u.name }));
  return (
    <div role="list" aria-label={t('roles.title')}>
      {INCIDENT_ROLES.map((role) => {
        const holder = roles.find((r) => r.role === role)?.user_id ?? null;
        return (
          <Group key={role} justify="space-between" wrap="nowrap" gap="xs" py={3} role="listitem" data-testid={`role-${role}`} data-user={holder ?? ''}>
            <Text size="sm" c="dimmed" w={90} style={{ flex: 'none' }}>
              {t(`roles.${role}`)}
            </Text>
            {can ? (
              <Select
                aria-label={t('roles.set', { role: t(`roles.${role}`) })}
                size="xs"
                searchable
                clearable
                placeholder={t('roles.nobody')}
                value={holder}
                data={options}
                onChange={(value) => value !== holder && set.mutate({ role, userId: value })}
                style={{ flex: 1, minWidth: 0 }}
              />
            ) : (
              <Text size="sm" fw={500}>
                {holder ? name(holder) : t('roles.nobody')}
              </Text>
            )}
          </Group>
        );
      })}
    </div>
  );
}
