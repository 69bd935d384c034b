import { Checkbox, Table } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices, useUsers } from '../../api/catalog';
import type { Incident } from '../../api/types';
import { IncidentRow } from './IncidentRow';
import classes from './incidents.module.css';

interface Props {
  incidents: Incident[];
  selectable: boolean;
  selected: ReadonlySet<string>;
  cursor: number;
  onToggle: (id: string) => void;
  onToggleAll: () => void;
  onFocusRow: (index: number) => void;
}

/** Rows that fill a screen; the rest of a page of 50 renders right after, so the first paint is quick. */
const FIRST_ROWS = 15;

export function IncidentTable({ incidents: all, selectable, selected, cursor, onToggle, onToggleAll, onFocusRow }: Props) {
  const incidents = useDeferredValue(all, all.length > FIRST_ROWS ? all.slice(0, FIRST_ROWS) : all);
  const { t } = useTranslation('incidents');
  const services = useServices();
  const users = useUsers();
  const serviceName = (id: string | null) => (id ? (services.data?.find((s) => s.id === id)?.name ?? id) : null);
  const userName = (id: string | null) => (id ? (users.data?.find((u) => u.id === id)?.name ?? id) : null);

  // Phones get two columns (checkbox, incident) with the details folded under the title.
  const compact = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false });
  const ackable = all.filter((i) => i.status === 'triggered');
  const chosen = ackable.filter((i) => selected.has(i.id)).length;

  return (
    <Table.ScrollContainer minWidth={0} type="native">
      <Table verticalSpacing={8} horizontalSpacing="sm" highlightOnHover data-testid="incidents-table" className={classes.table}>
        <Table.Thead>
          <Table.Tr>
            {selectable && (
              <Table.Th w={36}>
                <Checkbox
                  size="xs"
                  aria-label={t('selectAll')}
                  checked={ackable.length > 0 && chosen === ackable.length}
                  indeterminate={chosen > 0 && chosen < ackable.length}
                  disabled={ackable.length === 0}
                  onChange={onToggleAll}
                />
              </Table.Th>
            )}
            {!compact && <Table.Th w={56}>{t('columns.severity')}</Table.Th>}
            <Table.Th>{t('columns.incident')}</Table.Th>
            {!compact && (
              <>
                <Table.Th>{t('columns.service')}</Table.Th>
                <Table.Th>{t('columns.status')}</Table.Th>
                <Table.Th>{t('columns.age')}</Table.Th>
                <Table.Th>{t('columns.sla')}</Table.Th>
                <Table.Th>{t('columns.alerts')}</Table.Th>
                <Table.Th>{t('columns.assignee')}</Table.Th>
              </>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {incidents.map((incident, index) => (
            <IncidentRow
              key={incident.id}
              incident={incident}
              index={index}
              serviceName={serviceName(incident.service_id)}
              assigneeName={userName(incident.assignee_user_id)}
              selectable={selectable}
              selected={selected.has(incident.id)}
              cursor={index === cursor}
              compact={compact}
              onToggle={onToggle}
              onFocusRow={onFocusRow}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
