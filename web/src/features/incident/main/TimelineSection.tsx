import { ActionIcon, Box, Group, SegmentedControl, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconSortAscending, IconSortDescending } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineEvent } from '../../../api/types';
import { formatDateTime } from '../../../components/duration';
import { shortTime, useActorName } from '../use-actor-name';
import { KIND_STYLE, TIMELINE_FILTERS, kindGroup } from './timeline-kinds';
import classes from './main.module.css';

/** Everything that happened, one line each, with an icon per kind of event. */
export function TimelineSection({ events }: { events: TimelineEvent[] }) {
  const { t, i18n } = useTranslation('incident');
  const actorName = useActorName();
  const [filter, setFilter] = useState('all');
  const [newestFirst, setNewestFirst] = useState(false);

  const shown = useMemo(() => {
    const groups = TIMELINE_FILTERS[filter];
    const list = groups ? events.filter((e) => groups.includes(kindGroup(e.kind))) : events;
    return newestFirst ? [...list].reverse() : list;
  }, [events, filter, newestFirst]);

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={setFilter}
          aria-label={t('timeline.filter')}
          data={Object.keys(TIMELINE_FILTERS).map((key) => ({ value: key, label: t(`timeline.filters.${key}`) }))}
          style={{ minWidth: 0 }}
        />
        <Tooltip label={newestFirst ? t('timeline.newestFirst') : t('timeline.oldestFirst')}>
          <ActionIcon variant="subtle" color="gray" onClick={() => setNewestFirst((v) => !v)} aria-label={newestFirst ? t('timeline.newestFirst') : t('timeline.oldestFirst')} aria-pressed={newestFirst}>
            {newestFirst ? <IconSortDescending size={18} /> : <IconSortAscending size={18} />}
          </ActionIcon>
        </Tooltip>
      </Group>
      {!shown.length && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          {t('timeline.empty')}
        </Text>
      )}
      <Box component="ol" className={classes.timeline} data-testid="timeline" aria-live="polite" aria-relevant="additions">
        {shown.map((event, i) => {
          const group = kindGroup(event.kind);
          const style = KIND_STYLE[group];
          const previous = shown[i - 1];
          const newDay = !previous || new Date(previous.at).toDateString() !== new Date(event.at).toDateString();
          return (
            <li key={event.id} className={classes.timelineItem} data-testid="timeline-item" data-kind={event.kind}>
              <Tooltip label={formatDateTime(event.at, i18n.language)} openDelay={300}>
                <time dateTime={event.at} className={classes.timelineTime}>
                  {shortTime(event.at, i18n.language, newDay && i > 0)}
                </time>
              </Tooltip>
              <ThemeIcon size={24} radius="xl" variant="light" color={style.color} className={classes.timelineIcon} aria-hidden>
                <style.icon size={14} />
              </ThemeIcon>
              <Box miw={0} style={{ flex: 1 }}>
                <Text size="sm" className={classes.wrapText}>
                  {event.summary.replace(/\b((?:user|token):[A-Za-z0-9_.-]+)/g, (actor) => actorName(actor))}
                </Text>
                <Text size="xs" c="dimmed">
                  {actorName(event.actor)} · <span className={classes.kind}>{event.kind}</span>
                </Text>
              </Box>
            </li>
          );
        })}
      </Box>
    </Stack>
  );
}
