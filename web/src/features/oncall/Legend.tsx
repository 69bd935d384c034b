import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';
import classes from './calendar.module.css';
import { useUserColor } from './people';
import type { Timeline } from './types';

/** Who each colour is, plus what overrides and gaps look like. */
export function Legend({ timelines }: { timelines: (Timeline | undefined)[] }) {
  const { t } = useTranslation('oncall');
  const name = useUserName();
  const color = useUserColor();
  const people = [...new Set(timelines.flatMap((tl) => tl?.segments.flatMap((s) => s.user_ids) ?? []))].sort((a, b) => name(a).localeCompare(name(b)));

  return (
    <Group gap="md" mt="sm" wrap="wrap" aria-label={t('calendar.legend')} role="list">
      {people.map((id) => (
        <Group key={id} gap={6} wrap="nowrap" role="listitem">
          <span className={classes.swatch} style={{ background: `var(--mantine-color-${color(id)}-filled)` }} />
          <Text size="xs">{name(id)}</Text>
        </Group>
      ))}
      <Group gap={6} wrap="nowrap" role="listitem">
        <span className={`${classes.swatch} ${classes.override}`} style={{ backgroundColor: 'var(--mantine-color-gray-6)' }} />
        <Text size="xs">{t('source.override')}</Text>
      </Group>
      <Group gap={6} wrap="nowrap" role="listitem">
        <span className={classes.swatch} style={{ border: '1.5px solid var(--mantine-color-red-6)', background: 'var(--mantine-color-red-1)' }} />
        <Text size="xs">{t('calendar.gap')}</Text>
      </Group>
    </Group>
  );
}
