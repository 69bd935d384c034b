import { Button, Popover, Stack, Text, Tooltip } from '@mantine/core';
import { IconArrowsExchange } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';
import { useCan } from '../../auth/session';
import { OverrideForm, type ShiftRef } from './OverrideForm';
import classes from './calendar.module.css';
import { useUserColor, useViewerZone } from './people';
import { useDeleteOverride } from './queries';
import type { Stretch } from './merge';
import type { Override } from './types';
import { formatRange } from './zoned';

interface Props {
  shift: ShiftRef;
  segment: Stretch;
  scheduleZone: string;
  /** The override behind this bar, when it is one we can remove. */
  override: Override | undefined;
  style: React.CSSProperties;
  opened: boolean;
  onOpen: () => void;
  onClose: () => void;
}

/** One person's stretch on a schedule: hover for details, click to cover it (or remove the override). */
export function ShiftBar({ shift, segment, scheduleZone, override, style, opened, onOpen, onClose }: Props) {
  const { t, i18n } = useTranslation('oncall');
  const name = useUserName();
  const color = useUserColor()(shift.userId);
  const zone = useViewerZone();
  const canEdit = useCan('responder');
  const remove = useDeleteOverride();
  const isOverride = segment.source === 'override';
  const what = isOverride ? t('source.override') : segment.layers.length ? t('now.layer', { layer: segment.layers.join(' + ') }) : '';
  const inSchedule = `${formatRange(segment.start, segment.end, scheduleZone, i18n.language)} (${scheduleZone})`;
  const inViewer = scheduleZone === zone ? null : `${formatRange(segment.start, segment.end, zone, i18n.language)} (${t('calendar.yourTime', { zone })})`;

  return (
    <Popover opened={opened} onChange={(o) => (o ? onOpen() : onClose())} onDismiss={onClose} position="bottom" withArrow shadow="md" trapFocus returnFocus>
      <Tooltip
        multiline
        withArrow
        openDelay={120}
        events={{ hover: true, focus: true, touch: false }}
        disabled={opened}
        label={
          <Stack gap={2}>
            <Text size="xs" fw={700}>
              {name(shift.userId)} {what && `· ${what}`}
            </Text>
            <Text size="xs">{inSchedule}</Text>
            {inViewer && <Text size="xs">{inViewer}</Text>}
          </Stack>
        }
      >
        <Popover.Target>
          <button
            type="button"
            className={`${classes.bar} ${isOverride ? classes.override : ''}`}
            style={{ ...style, backgroundColor: `var(--mantine-color-${color}-filled)` }}
            data-testid="shift-bar"
            data-user={shift.userId}
            data-source={segment.source}
            aria-label={`${name(shift.userId)}${what ? `, ${what}` : ''}, ${inSchedule}${inViewer ? `; ${inViewer}` : ''}`}
            onClick={() => (opened ? onClose() : onOpen())}
          >
            {isOverride && <IconArrowsExchange size={11} aria-hidden style={{ flex: 'none' }} />}
            <span className={classes.barText}>{name(shift.userId)}</span>
          </button>
        </Popover.Target>
      </Tooltip>
      <Popover.Dropdown>
        {opened && (
          <Stack gap="sm">
            <OverrideForm shift={shift} onDone={onClose} />
            {isOverride && override && canEdit && (
              <Button
                size="xs"
                color="red"
                variant="light"
                loading={remove.isPending}
                onClick={() => remove.mutate({ scheduleId: shift.scheduleId, overrideId: override.id }, { onSuccess: onClose })}
              >
                {t('override.remove')}
              </Button>
            )}
          </Stack>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
