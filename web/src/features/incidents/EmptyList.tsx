import { Button, EmptyState, Paper } from '@mantine/core';
import { IconCircleCheck, IconFilterOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { hasNarrowingFilters, type IncidentFilters } from './use-incident-filters';

/** "All quiet" when nothing is open; otherwise a way back from filters that match nothing. */
export function EmptyList({ filters, onClear }: { filters: IncidentFilters; onClear: () => void }) {
  const { t } = useTranslation('incidents');
  const quiet = filters.status === 'open' && !hasNarrowingFilters(filters);
  return (
    <Paper withBorder p="xl" data-testid="incidents-empty">
      <EmptyState
        variant={quiet ? 'light' : undefined}
        color="green"
        icon={quiet ? <IconCircleCheck size={28} /> : <IconFilterOff size={28} />}
        title={quiet ? t('empty.openTitle') : t('empty.filteredTitle')}
        description={quiet ? t('empty.openText') : t('empty.filteredText')}
      >
        {!quiet && (
          <EmptyState.Actions>
            <Button size="xs" variant="light" onClick={onClear}>
              {t('filters.clear')}
            </Button>
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Paper>
  );
}
