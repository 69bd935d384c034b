import { Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useUserName, useUsers } from '../../../api/catalog';
import type { Incident } from '../../../api/types';
import { useCan } from '../../../auth/session';
import { incidentPath, useIncidentMutation } from '../api';

/** Who owns the incident; responders reassign it in place. */
export function AssigneeControl({ incident }: { incident: Incident }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const users = useUsers();
  const name = useUserName();
  const assign = useIncidentMutation(incident.ref, (userId: string | null) => api.post(`${incidentPath(incident.ref)}/assign`, { user_id: userId }), {
    success: (_r, userId) => (userId ? t('done.assign', { name: name(userId) }) : t('done.unassign')),
  });
  if (!can) {
    return (
      <Text size="sm" fw={500}>
        {incident.assignee_user_id ? name(incident.assignee_user_id) : t('header.unassigned')}
      </Text>
    );
  }
  return (
    <Select
      aria-label={t('header.assignee')}
      data-testid="assignee-select"
      size="xs"
      w={170}
      searchable
      clearable
      placeholder={t('header.unassigned')}
      value={incident.assignee_user_id}
      data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
      onChange={(value) => value !== incident.assignee_user_id && assign.mutate(value)}
      disabled={assign.isPending}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
