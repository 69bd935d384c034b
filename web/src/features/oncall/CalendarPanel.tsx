import { Alert, Button, Group, Paper, SegmentedControl, Text, Title, ActionIcon, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryState } from '../../components/QueryState';
import { useNow } from '../../components/use-now';
import classes from './calendar.module.css';
import { DayLines, NowLine, type Window } from './CalendarParts';
import { CalendarRow } from './CalendarRow';
import { Legend } from './Legend';
import { OverridesList } from './OverridesList';
import { useViewerZone } from './people';
import { useSchedules, useTimelines } from './queries';
import { addDays, formatIn, startOfDay } from './zoned';

const RANGES = [1, 2, 4];

/** Several weeks of every schedule side by side, starting the day before today. */
export function CalendarPanel() {
  const { t, i18n } = useTranslation('oncall');
  const zone = useViewerZone();
  const now = useNow();
  const [weeks, setWeeks] = useState(2);
  const [page, setPage] = useState(0);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const today = startOfDay(now, zone);
  const days = weeks * 7;

  const window = useMemo<Window>(() => {
    const from = addDays(today, page * days - 1, zone);
    const midnights = Array.from({ length: days }, (_, i) => addDays(from, i, zone));
    return { from, to: addDays(from, days, zone), days: midnights };
  }, [today, page, days, zone]);

  const schedules = useSchedules();
  const list = schedules.data ?? [];
  // The API counts days of 24h; ask for one more so a DST week is covered to its last midnight.
  const timelines = useTimelines(list.map((s) => s.id), window.from, days + 1);
  const upcomingGaps = timelines.flatMap((q) => q.data?.gaps ?? []).filter((g) => Date.parse(g.end) > now && Date.parse(g.start) < window.to).length;
  const overrides = list.flatMap((s, i) => (timelines[i]?.data?.overrides ?? []).map((o) => ({ ...o, schedule: s })));

  return (
    <Paper component="section" aria-labelledby="oncall-calendar-title" withBorder p="md" radius="md" data-testid="oncall-calendar">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} size="h4" id="oncall-calendar-title">
          {t('calendar.title')}
        </Title>
        <Group gap="xs" wrap="wrap">
          <Group gap={4} wrap="nowrap">
            <Tooltip label={t('calendar.previous')}>
              <ActionIcon variant="default" size="lg" aria-label={t('calendar.previous')} onClick={() => setPage((p) => p - 1)}>
                <IconChevronLeft size={18} />
              </ActionIcon>
            </Tooltip>
            <Button variant="default" size="sm" onClick={() => setPage(0)} disabled={page === 0}>
              {t('calendar.today')}
            </Button>
            <Tooltip label={t('calendar.next')}>
              <ActionIcon variant="default" size="lg" aria-label={t('calendar.next')} onClick={() => setPage((p) => p + 1)}>
                <IconChevronRight size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
          <SegmentedControl
            size="sm"
            value={String(weeks)}
            onChange={(v) => {
              setWeeks(Number(v));
              setPage(0);
            }}
            data={RANGES.map((w) => ({ value: String(w), label: t('calendar.weeks', { count: w }) }))}
            aria-label={t('calendar.range')}
          />
        </Group>
      </Group>
      <Text size="xs" c="dimmed" mb="xs" aria-live="polite">
        {t('calendar.showing', { from: formatIn(window.from, zone, i18n.language), to: formatIn(window.to, zone, i18n.language), zone })}
      </Text>
      {upcomingGaps > 0 && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} mb="sm" p="xs" role="status">
          <Text size="sm" fw={600}>
            {t('calendar.gapWarning', { count: upcomingGaps })}
          </Text>
        </Alert>
      )}
      <QueryState isLoading={schedules.isLoading} error={schedules.error} retry={() => void schedules.refetch()} />
      {schedules.data && !list.length && <Text c="dimmed">{t('now.noSchedules')}</Text>}
      {list.length > 0 && (
        <div className={classes.scroller} style={{ ['--days' as string]: days }}>
          <div className={classes.grid}>
            <div className={`${classes.row} ${classes.header}`} aria-hidden>
              <div className={classes.label} />
              <div className={classes.track}>
                <DayLines window={window} labels />
                <NowLine window={window} tag />
              </div>
            </div>
            {list.map((schedule, i) => (
              <CalendarRow
                key={schedule.id}
                schedule={schedule}
                timeline={timelines[i]?.data}
                loading={!!timelines[i]?.isFetching}
                window={window}
                openKey={openKey}
                setOpenKey={setOpenKey}
              />
            ))}
          </div>
        </div>
      )}
      {timelines.map((q, i) => q.error && <QueryState key={list[i]?.id} isLoading={false} error={q.error} retry={() => void q.refetch()} />)}
      <Legend timelines={timelines.map((q) => q.data)} />
      <OverridesList overrides={overrides} />
    </Paper>
  );
}
