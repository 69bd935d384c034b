import { Badge, Text, Tooltip } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../api/types';
import { formatDateTime, shortDuration } from '../../components/duration';
import { useNow } from '../../components/use-now';

/** Response SLA: breached (red), time left to acknowledge (triggered ones), or met. */
/** `compact` (the phone layout) leaves out the quiet "met" state. */
export function SlaCell({ incident, compact = false }: { incident: Incident; compact?: boolean }) {
  const { t, i18n } = useTranslation('incidents');
  const now = useNow();
  const left = new Date(incident.sla_due_at).getTime() - now;
  const triggered = incident.status === 'triggered';
  // Formatting a date is costly and this re-renders every second, so the tooltip text is kept.
  const dueLabel = useMemo(() => t('sla.due', { at: formatDateTime(incident.sla_due_at, i18n.language) }), [t, incident.sla_due_at, i18n.language]);
  if (incident.sla_breached || (triggered && left <= 0)) {
    return (
      <Badge color="red" variant="light" radius="sm" data-sla="breached">
        {t('sla.breached')}
      </Badge>
    );
  }
  if (triggered) {
    return (
      <Tooltip label={dueLabel} withArrow>
        <Text size="sm" fw={600} c={left < 5 * 60_000 ? 'orange' : undefined} data-sla="running" style={{ whiteSpace: 'nowrap' }}>
          {t('sla.left', { value: shortDuration(left) })}
        </Text>
      </Tooltip>
    );
  }
  if (compact) return null;
  return (
    <Text size="sm" c="dimmed" data-sla="met">
      {incident.acknowledged_at ? t('sla.met') : '—'}
    </Text>
  );
}
