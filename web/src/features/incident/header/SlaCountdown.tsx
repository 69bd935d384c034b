import { Badge, Tooltip } from '@mantine/core';
import { IconHourglassHigh, IconAlarm, IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../api/types';
import { clockDuration, formatDateTime, shortDuration } from '../../../components/duration';
import { useNow } from '../../../components/use-now';

type SlaState = 'running' | 'breached' | 'met' | 'missed';

/**
 * The response SLA: a ticking countdown to sla_due_at while nobody has acknowledged, red once it is
 * past, and afterwards how long the response took.
 */
export function SlaCountdown({ incident, compact = false }: { incident: Incident; compact?: boolean }) {
  const now = useNow();
  const { t, i18n } = useTranslation('incident');
  const created = new Date(incident.created_at).getTime();
  const due = new Date(incident.sla_due_at).getTime();
  const answeredAt = incident.acknowledged_at ?? (incident.status === 'triggered' ? null : incident.resolved_at);

  let state: SlaState;
  let time: string;
  if (answeredAt) {
    time = shortDuration(new Date(answeredAt).getTime() - created);
    state = new Date(answeredAt).getTime() <= due && !incident.sla_breached ? 'met' : 'missed';
  } else if (incident.sla_breached || now >= due) {
    state = 'breached';
    time = shortDuration(now - due);
  } else {
    state = 'running';
    time = clockDuration(due - now);
  }
  const label = t(`sla.${state === 'running' ? 'left' : state}`, { time });

  const left = due - now;
  const color = state === 'met' ? 'green' : state === 'running' ? (left < incident.response_sla_ms / 4 ? 'orange' : 'gray') : 'red';
  const Icon = state === 'met' ? IconCircleCheck : state === 'running' ? IconHourglassHigh : IconAlarm;
  return (
    <Tooltip label={t('sla.tooltip', { sla: shortDuration(incident.response_sla_ms), due: formatDateTime(incident.sla_due_at, i18n.language) })} withArrow>
      <Badge
        data-testid="sla-countdown"
        data-state={state}
        role="timer"
        aria-label={compact ? label : undefined}
        size="lg"
        radius="sm"
        color={color}
        variant={state === 'breached' ? 'filled' : 'light'}
        leftSection={<Icon size={14} />}
        styles={{ label: { fontVariantNumeric: 'tabular-nums', textTransform: 'none' } }}
      >
        {/* On a phone only the time shows; the icon and colour say which, the label says it in words. */}
        {compact ? (state === 'breached' ? `+${time}` : time) : label}
      </Badge>
    </Tooltip>
  );
}
