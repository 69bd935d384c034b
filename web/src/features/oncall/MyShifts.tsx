import { ActionIcon, Badge, Button, Code, CopyButton, Group, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconCalendarEvent, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useSession } from '../../auth/session';
import { shortDuration } from '../../components/duration';
import { QueryState } from '../../components/QueryState';
import { useNow } from '../../components/use-now';
import { useViewerZone } from './people';
import { useSchedules, useShifts } from './queries';
import { formatRange } from './zoned';

const DAYS = 28;
const FIRST = 6;

/** The signed-in person's next four weeks of shifts, and where to get calendar feeds. */
export function MyShifts() {
  const { t, i18n } = useTranslation('oncall');
  const user = useSession().data?.user;
  const zone = useViewerZone();
  const now = useNow();
  // From a week back, so a shift under way shows its real start; ended ones are filtered out.
  const [from] = useState(() => Math.floor(Date.now() / 60_000) * 60_000 - 7 * 86_400_000);
  const [showAll, setShowAll] = useState(false);
  const shifts = useShifts(user?.id, from, DAYS + 7);
  const schedules = useSchedules().data ?? [];
  const scheduleName = (id: string) => schedules.find((s) => s.id === id)?.name ?? id;
  const items = (shifts.data ?? []).filter((s) => Date.parse(s.end) > now);
  const origin = window.location.origin;

  return (
    <Paper component="section" aria-labelledby="my-shifts-title" withBorder p="md" radius="md" data-testid="my-shifts">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} size="h4" id="my-shifts-title">
          {t('mine.title')}
        </Title>
        <Button component={Link} href="/settings" variant="light" size="xs" leftSection={<IconCalendarEvent size={16} />}>
          {t('mine.ical')}
        </Button>
      </Group>
      <QueryState isLoading={shifts.isLoading} error={shifts.error} retry={() => void shifts.refetch()} />
      {shifts.data && !items.length && <Text c="dimmed" size="sm">{t('mine.none', { count: DAYS })}</Text>}
      {items.length > 0 && (
        <SimpleGrid component="ul" cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs" verticalSpacing="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {(showAll ? items : items.slice(0, FIRST)).map((s) => {
            const live = Date.parse(s.start) <= now;
            return (
              <Paper component="li" key={`${s.schedule_id}-${s.start}`} withBorder radius="sm" px="sm" py={6} data-schedule={s.schedule_id} style={live ? { borderColor: 'var(--mantine-color-green-6)' } : undefined}>
                <Group gap={6} justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={600} truncate>
                    {scheduleName(s.schedule_id)}
                  </Text>
                  {live ? (
                    <Badge size="xs" color="green" style={{ flex: 'none' }}>
                      {t('mine.onCallNow')}
                    </Badge>
                  ) : (
                    <Text size="xs" c="dimmed" style={{ flex: 'none' }}>
                      {t('mine.startsIn', { value: shortDuration(Date.parse(s.start) - now) })}
                    </Text>
                  )}
                </Group>
                <Text size="xs">
                  {formatRange(s.start, s.end, zone, i18n.language)}
                  <Text span c="dimmed" size="xs">
                    {' '}· {shortDuration(Date.parse(s.end) - Date.parse(s.start))}
                  </Text>
                </Text>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
      {items.length > FIRST && (
        <Button variant="subtle" size="xs" mt={6} onClick={() => setShowAll((v) => !v)}>
          {showAll ? t('mine.showFewer') : t('mine.showAll', { count: items.length })}
        </Button>
      )}
      <Stack gap={4} mt="md">
        <Title order={3} size="h6">
          {t('mine.feeds')}
        </Title>
        <Text size="xs" c="dimmed">
          {t('mine.feedsHint')}{' '}
          <Link href="/settings">{t('mine.toSettings')}</Link>
        </Text>
        {schedules.map((s) => {
          const url = `${origin}/api/v1/schedules/${encodeURIComponent(s.id)}/ical?token=${t('mine.tokenPlaceholder')}`;
          return (
            <Group key={s.id} gap={6} wrap="nowrap">
              <Text size="xs" w={130} truncate style={{ flex: 'none' }}>{s.name}</Text>
              <Code style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', fontSize: 11 }}>{url}</Code>
              <CopyButton value={url}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? t('mine.copied') : t('mine.copy')}>
                    <ActionIcon size="sm" variant="subtle" onClick={copy} aria-label={`${t('mine.copy')}: ${s.name}`}>
                      {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
