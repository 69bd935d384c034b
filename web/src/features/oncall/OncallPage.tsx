import { Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CalendarPanel } from './CalendarPanel';
import { MyShifts } from './MyShifts';
import { NowPanel } from './NowPanel';
import { useViewerZone } from './people';

/** /oncall: who is on call now, the next weeks per schedule (with two-click overrides), and my shifts. */
export default function OncallPage() {
  const { t } = useTranslation('oncall');
  const zone = useViewerZone();
  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline" gap="xs">
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        <Text size="xs" c="dimmed">
          {t('timesIn', { zone })}
        </Text>
      </Group>
      <NowPanel />
      <CalendarPanel />
      <MyShifts />
    </Stack>
  );
}
