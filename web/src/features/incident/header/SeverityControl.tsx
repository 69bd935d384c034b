import { Menu, UnstyledButton } from '@mantine/core';
import { IconCheck, IconChevronDown } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { SEVERITIES } from '../../../api/statuses';
import type { Incident, Severity } from '../../../api/types';
import { useCan } from '../../../auth/session';
import { SeverityBadge } from '../../../components/SeverityBadge';
import { incidentPath, useIncidentMutation } from '../api';

/** The severity badge; responders can change it from its menu. */
export function SeverityControl({ incident, short = false }: { incident: Incident; short?: boolean }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const change = useIncidentMutation(incident.ref, (severity: Severity) => api.post(`${incidentPath(incident.ref)}/severity`, { severity }), {
    success: (_r, severity) => t('done.severity', { severity }),
  });
  if (!can) return <SeverityBadge severity={incident.severity} long={!short} />;
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <UnstyledButton title={t('header.changeSeverity')} data-testid="severity-menu" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
          <SeverityBadge severity={incident.severity} long={!short} />
          <IconChevronDown size={14} aria-hidden />
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('header.changeSeverity')}</Menu.Label>
        {SEVERITIES.map((s) => (
          <Menu.Item key={s} onClick={() => s !== incident.severity && change.mutate(s)} leftSection={s === incident.severity ? <IconCheck size={14} /> : <span style={{ width: 14 }} />}>
            <SeverityBadge severity={s} long />
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
