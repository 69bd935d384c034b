import { Alert, Box, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../api/types';
import { useCan } from '../../auth/session';
import { QueryState } from '../../components/QueryState';
import { BulkAckButton } from './BulkAckButton';
import { EmptyList } from './EmptyList';
import { FilterBar } from './FilterBar';
import { IncidentTable } from './IncidentTable';
import { useIncidentFilters } from './use-incident-filters';
import { useIncidentList, useOpenCounts } from './use-incidents';
import { useRowKeys } from './use-row-keys';

/** The list people open at 3 a.m.: filters in the URL, live rows, keyboard, bulk acknowledge. */
export function IncidentsPage() {
  const { t } = useTranslation('incidents');
  const [filters, setFilters] = useIncidentFilters();
  const list = useIncidentList(filters);
  const counts = useOpenCounts();
  const canAck = useCan('responder');
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());

  // Pages may overlap for a moment while new incidents push rows down; show each once.
  const incidents = useMemo(() => {
    const seen = new Map<string, Incident>();
    for (const page of list.data?.pages ?? []) for (const item of page.items) if (!seen.has(item.id)) seen.set(item.id, item);
    return [...seen.values()];
  }, [list.data]);

  // Only triggered incidents still on screen count as selected (others were acknowledged meanwhile).
  const ackIds = useMemo(() => incidents.filter((i) => i.status === 'triggered' && selected.has(i.id)).map((i) => i.id), [incidents, selected]);

  const toggle = useCallback((id: string) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const toggleAll = useCallback(() => {
    const ackable = incidents.filter((i) => i.status === 'triggered').map((i) => i.id);
    setSelected((prev) => (ackable.every((id) => prev.has(id)) ? new Set() : new Set(ackable)));
  }, [incidents]);
  const toggleByKey = useCallback((i: Incident) => i.status === 'triggered' && toggle(i.id), [toggle]);
  const [cursor, setCursor] = useRowKeys(incidents, canAck ? toggleByKey : null);

  const firstLoad = list.isLoading && !list.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Title order={1} fz="h2">
          {t('title')}
        </Title>
        {canAck && <BulkAckButton ids={ackIds} onDone={() => setSelected(new Set())} />}
      </Group>
      <FilterBar filters={filters} onChange={setFilters} counts={counts.data} />

      {list.error && list.data && (
        <Alert color="red" variant="light" role="alert" py={6}>
          {t('refreshFailed', { message: list.error.message })}
        </Alert>
      )}
      {firstLoad || (list.error && !list.data) ? (
        <QueryState isLoading={firstLoad} error={list.error} retry={() => void list.refetch()} />
      ) : incidents.length === 0 ? (
        <EmptyList filters={filters} onClear={() => setFilters({ status: 'open', severities: [], services: [], mine: false })} />
      ) : (
        <Box style={{ opacity: list.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }} aria-busy={list.isFetching}>
          <IncidentTable incidents={incidents} selectable={canAck} selected={selected} cursor={cursor} onToggle={toggle} onToggleAll={toggleAll} onFocusRow={setCursor} />
        </Box>
      )}

      <Group justify="space-between" gap="sm">
        <Text size="xs" c="dimmed" aria-live="polite">
          {list.data && incidents.length ? t('showing', { count: incidents.length }) : ''}
        </Text>
        {list.hasNextPage && (
          <Button size="xs" variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('loadMore')}
          </Button>
        )}
        <Text size="xs" c="dimmed" visibleFrom="sm">
          {t('keyboardHint')}
        </Text>
      </Group>
    </Stack>
  );
}
