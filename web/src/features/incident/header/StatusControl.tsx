import { Box, Menu, UnstyledButton } from '@mantine/core';
import { IconCheck, IconChevronDown } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { WORKING_STATUSES, isOpen } from '../../../api/statuses';
import type { Incident } from '../../../api/types';
import { useCan } from '../../../auth/session';
import { StatusBadge } from '../../../components/StatusBadge';
import { incidentPath, useIncidentMutation } from '../api';

/** The status badge; while the incident is open, responders move it through the working statuses here. */
export function StatusControl({ incident }: { incident: Incident }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const change = useIncidentMutation(incident.ref, (status: string) => api.post(`${incidentPath(incident.ref)}/status`, { status }), {
    success: (_r, status) => t('done.status', { status: t(`common:status.${status}`) }),
  });
  const badge = (
    <Box component="span" data-testid="incident-status" data-status={incident.status} aria-live="polite">
      <StatusBadge status={incident.status} />
    </Box>
  );
  if (!can || !isOpen(incident.status)) return badge;
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <UnstyledButton title={t('header.changeStatus')} style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
          {badge}
          <IconChevronDown size={14} aria-hidden />
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('header.changeStatus')}</Menu.Label>
        {WORKING_STATUSES.map((s) => (
          <Menu.Item key={s} onClick={() => s !== incident.status && change.mutate(s)} leftSection={s === incident.status ? <IconCheck size={14} /> : <span style={{ width: 14 }} />}>
            {t(`common:status.${s}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
