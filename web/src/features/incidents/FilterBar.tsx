import { Button, Chip, Group, MultiSelect, SegmentedControl, Switch, Text, Tooltip } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../api/catalog';
import { SEVERITIES, SEVERITY_COLOR } from '../../api/statuses';
import type { Severity } from '../../api/types';
import { hasNarrowingFilters, STATUS_FILTERS, type IncidentFilters, type StatusFilter } from './use-incident-filters';
import type { OpenCounts } from './use-incidents';
import classes from './incidents.module.css';

interface Props {
  filters: IncidentFilters;
  onChange: (change: Partial<IncidentFilters>) => void;
  counts: OpenCounts | undefined;
}

/** Status, severity (with open counts), services and "assigned to me". */
export function FilterBar({ filters, onChange, counts }: Props) {
  const { t } = useTranslation('incidents');
  const services = useServices();
  const narrowed = hasNarrowingFilters(filters) || filters.status !== 'open';

  return (
    <Group gap="sm" align="center" role="search" aria-label={t('filters.label')} className={classes.filters}>
      <div className={classes.statusScroll}>
        <SegmentedControl
          size="xs"
          data-testid="filter-status"
          aria-label={t('filters.status')}
          value={filters.status}
          onChange={(value) => onChange({ status: value as StatusFilter })}
          data={STATUS_FILTERS.map((s) => ({ value: s, label: t(`filters.${s}`) }))}
        />
      </div>
      <Chip.Group multiple value={filters.severities} onChange={(value) => onChange({ severities: value as Severity[] })}>
        <Group gap={6} role="group" aria-label={t('filters.severity')} data-testid="filter-severity" wrap="nowrap">
          {SEVERITIES.map((s) => {
            const count = counts?.bySeverity[s];
            return (
              <Tooltip key={s} label={t('filters.severityChip', { severity: s, count: count ?? '…' })} openDelay={400}>
                <Chip value={s} size="xs" color={SEVERITY_COLOR[s]} variant="light" data-severity={s}>
                  <span className={classes.sevDot} style={{ '--dot': `var(--mantine-color-${SEVERITY_COLOR[s]}-6)` } as CSSProperties} />
                  {s}
                  {count !== undefined && (
                    <Text span size="xs" fw={700} ml={6} c={count ? undefined : 'dimmed'}>
                      {count}
                      {counts?.capped ? '+' : ''}
                    </Text>
                  )}
                </Chip>
              </Tooltip>
            );
          })}
        </Group>
      </Chip.Group>
      <MultiSelect
        size="xs"
        data-testid="filter-service"
        aria-label={t('filters.service')}
        placeholder={filters.services.length ? undefined : t('filters.servicePlaceholder')}
        data={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
        value={filters.services}
        onChange={(value) => onChange({ services: value })}
        searchable
        clearable
        maxDropdownHeight={260}
        className={classes.serviceSelect}
      />
      <Switch size="sm" data-testid="filter-mine" label={t('filters.mine')} checked={filters.mine} onChange={(e) => onChange({ mine: e.currentTarget.checked })} />
      {narrowed && (
        <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconFilterOff size={14} />} onClick={() => onChange({ status: 'open', severities: [], services: [], mine: false })}>
          {t('filters.clear')}
        </Button>
      )}
    </Group>
  );
}
