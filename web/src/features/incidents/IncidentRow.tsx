import { Anchor, Checkbox, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconWaveSine } from '@tabler/icons-react';
import { memo, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { SEVERITY_COLOR } from '../../api/statuses';
import type { Incident } from '../../api/types';
import { RelativeTime } from '../../components/RelativeTime';
import { SeverityBadge } from '../../components/SeverityBadge';
import { StatusBadge } from '../../components/StatusBadge';
import { SlaCell } from './SlaCell';
import classes from './incidents.module.css';

interface Props {
  incident: Incident;
  index: number;
  serviceName: string | null;
  assigneeName: string | null;
  /** Whether this person may acknowledge at all (responders, admins): shows the checkbox column. */
  selectable: boolean;
  selected: boolean;
  cursor: boolean;
  /** Phones: the detail columns fold into a line under the title. */
  compact: boolean;
  onToggle: (id: string) => void;
  onFocusRow: (index: number) => void;
}

export const IncidentRow = memo(function IncidentRow(props: Props) {
  const { incident, index, serviceName, assigneeName, selectable, selected, cursor, compact, onToggle, onFocusRow } = props;
  const { t } = useTranslation('incidents');
  const color = SEVERITY_COLOR[incident.severity];
  const ackable = incident.status === 'triggered';
  const urgent = ackable && (incident.severity === 'P0' || incident.severity === 'P1');
  const style = { '--edge': `var(--mantine-color-${color}-6)`, '--urgent-bg': `var(--mantine-color-${color}-light)` } as CSSProperties;

  const title = (
    <>
      <Anchor component={Link} href={`/incidents/${incident.ref}`} c="inherit" underline="hover" className={classes.title}>
        <span className={classes.ref}>{incident.ref}</span>
        {incident.title}
      </Anchor>
      {incident.flapping && (
        <Tooltip label={t('flapping')} withArrow>
          <IconWaveSine size={16} color="var(--mantine-color-grape-6)" aria-label={t('flapping')} role="img" className={classes.flapping} />
        </Tooltip>
      )}
    </>
  );

  return (
    <Table.Tr
      data-testid={`incident-row-${incident.ref}`}
      data-severity={incident.severity}
      data-status={incident.status}
      data-cursor={cursor || undefined}
      data-selected={selected || undefined}
      className={`${classes.row} ${urgent ? classes.urgent : ''}`}
      style={style}
      onMouseDown={() => onFocusRow(index)}
    >
      {selectable && (
        <Table.Td w={36}>
          <Checkbox
            size="xs"
            aria-label={ackable ? t('selectRow', { ref: incident.ref }) : t('onlyTriggered')}
            checked={selected}
            disabled={!ackable}
            onChange={() => onToggle(incident.id)}
          />
        </Table.Td>
      )}
      {compact ? (
        <Table.Td>
          {title}
          <Group gap={8} mt={4} wrap="wrap">
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
            {serviceName && (
              <Text size="xs" c="dimmed">
                {serviceName}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              <RelativeTime at={incident.created_at} />
            </Text>
            <SlaCell incident={incident} compact />
          </Group>
        </Table.Td>
      ) : (
        <>
          <Table.Td w={56}>
            <SeverityBadge severity={incident.severity} />
          </Table.Td>
          <Table.Td>{title}</Table.Td>
          <Table.Td>
            <Text size="sm">{serviceName ?? '—'}</Text>
          </Table.Td>
          <Table.Td className={classes.nowrap}>
            <StatusBadge status={incident.status} />
          </Table.Td>
          <Table.Td className={classes.nowrap}>
            <Text size="sm">
              <RelativeTime at={incident.created_at} />
            </Text>
          </Table.Td>
          <Table.Td className={classes.nowrap}>
            <SlaCell incident={incident} />
          </Table.Td>
          <Table.Td className={classes.nowrap}>
            <Tooltip label={t('alertsTooltip', { open: incident.open_alert_count, total: incident.alert_count })} withArrow>
              <Text size="sm" ff="monospace">
                <Text span fw={incident.open_alert_count ? 700 : 400} inherit>
                  {incident.open_alert_count}
                </Text>
                <Text span c="dimmed" inherit>
                  /{incident.alert_count}
                </Text>
              </Text>
            </Tooltip>
          </Table.Td>
          <Table.Td>
            <Text size="sm" c={assigneeName ? undefined : 'dimmed'}>
              {assigneeName ?? t('unassigned')}
            </Text>
          </Table.Td>
        </>
      )}
    </Table.Tr>
  );
});
