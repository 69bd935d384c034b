import { Badge, Group, Loader, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import classes from './calendar.module.css';
import { DayLines, NowLine, type Window } from './CalendarParts';
import { useViewerZone } from './people';
import { ShiftBar } from './ShiftBar';
import { mergeSegments } from './merge';
import type { Override, Schedule, Segment, Timeline } from './types';
import { formatRange } from './zoned';

interface Props {
  schedule: Schedule;
  timeline: Timeline | undefined;
  loading: boolean;
  window: Window;
  openKey: string | null;
  setOpenKey: (key: string | null) => void;
}

const pct = (at: number, w: Window) => ((Math.min(Math.max(at, w.from), w.to) - w.from) / (w.to - w.from)) * 100;

/** The override a bar comes from: same person, overlapping the bar. */
function overrideFor(segment: Segment, userId: string, overrides: Override[]): Override | undefined {
  const s = Date.parse(segment.start);
  const e = Date.parse(segment.end);
  return overrides.find((o) => o.user_id === userId && Date.parse(o.start) < e && Date.parse(o.end) > s);
}

/** One schedule across the window: a bar per person per segment, gaps in red, the now line. */
export function CalendarRow({ schedule, timeline, loading, window, openKey, setOpenKey }: Props) {
  const { t, i18n } = useTranslation('oncall');
  const zone = useViewerZone();
  const gaps = timeline?.gaps ?? [];
  const tz = timeline?.timezone ?? schedule.timezone;

  return (
    <div className={classes.row} data-testid={`calendar-row-${schedule.id}`} role="group" aria-label={schedule.name}>
      <div className={classes.label}>
        <Text size="sm" fw={600} lh={1.25} lineClamp={2}>
          {schedule.name}
        </Text>
        <Group gap={4} mt={2} wrap="nowrap">
          <Text size="xs" c="dimmed" truncate>
            {tz}
          </Text>
          {gaps.length > 0 && (
            <Badge size="xs" color="red" variant="filled" style={{ flex: 'none' }}>
              {t('calendar.gapBadge', { count: gaps.length })}
            </Badge>
          )}
          {loading && <Loader size={10} aria-label={t('calendar.loading')} />}
        </Group>
      </div>
      <div className={classes.track}>
        <DayLines window={window} />
        {timeline && mergeSegments(timeline.segments).flatMap((segment) =>
          segment.user_ids.map((userId, lane) => {
            const left = pct(Date.parse(segment.start), window);
            const width = pct(Date.parse(segment.end), window) - left;
            if (width <= 0) return null;
            const lanes = segment.user_ids.length;
            const key = `${schedule.id}|${segment.start}|${userId}`;
            return (
              <ShiftBar
                key={key}
                shift={{ scheduleId: schedule.id, scheduleName: schedule.name, userId, start: Date.parse(segment.start), end: Date.parse(segment.end) }}
                segment={segment}
                scheduleZone={tz}
                override={segment.source === 'override' ? overrideFor(segment, userId, timeline.overrides) : undefined}
                style={{ left: `${left}%`, width: `${width}%`, top: `calc(7px + ${lane} * (100% - 14px) / ${lanes})`, height: `calc((100% - 14px) / ${lanes} - ${lanes > 1 ? 2 : 0}px)` }}
                opened={openKey === key}
                onOpen={() => setOpenKey(key)}
                onClose={() => setOpenKey(null)}
              />
            );
          }),
        )}
        {gaps.map((gap) => {
          const left = pct(Date.parse(gap.start), window);
          const width = pct(Date.parse(gap.end), window) - left;
          const label = `${t('calendar.gap')}: ${formatRange(gap.start, gap.end, zone, i18n.language)}`;
          return (
            <Tooltip key={gap.start} label={label} withArrow events={{ hover: true, focus: true, touch: true }}>
              <div className={classes.gap} style={{ left: `${left}%`, width: `${width}%` }} data-testid="coverage-gap" tabIndex={0} role="img" aria-label={label}>
                {t('calendar.gapShort')}
              </div>
            </Tooltip>
          );
        })}
        <NowLine window={window} />
      </div>
    </div>
  );
}
