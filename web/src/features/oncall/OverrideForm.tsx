import { Alert, Anchor, Button, Collapse, Group, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUserName, useUsers } from '../../api/catalog';
import { useCan, useSession } from '../../auth/session';
import { useViewerZone } from './people';
import { useCreateOverride } from './queries';
import { fromInputValue, toInputValue, formatRange } from './zoned';

export interface ShiftRef {
  scheduleId: string;
  scheduleName: string;
  userId: string;
  start: number;
  end: number;
}

/**
 * The second click of "cover this shift": the window comes from the bar, the person defaults to
 * the viewer, and confirming creates an override that replaces only this person's shift.
 */
export function OverrideForm({ shift, onDone }: { shift: ShiftRef; onDone: () => void }) {
  const { t, i18n } = useTranslation('oncall');
  const common = useTranslation().t;
  const session = useSession().data;
  const canEdit = useCan('responder');
  const users = useUsers().data ?? [];
  const name = useUserName();
  const zone = useViewerZone();
  const create = useCreateOverride();
  const me = session?.user.id;
  // On your own shift the first thing to do is pick who covers; otherwise confirming is.
  const ownShift = me === shift.userId;
  const [who, setWho] = useState<string | null>(me && me !== shift.userId ? me : null);
  const [adjust, setAdjust] = useState(false);
  // A shift already under way is covered from now on, not from its past start.
  const [start, setStart] = useState(() => toInputValue(Math.max(shift.start, Math.floor(Date.now() / 60_000) * 60_000), zone));
  const [end, setEnd] = useState(() => toInputValue(shift.end, zone));
  const [reason, setReason] = useState('');
  const startMs = fromInputValue(start, zone);
  const endMs = fromInputValue(end, zone);
  const badWindow = startMs === null || endMs === null || endMs <= startMs;

  const submit = () => {
    if (!who || badWindow) return;
    create.mutate(
      {
        scheduleId: shift.scheduleId,
        body: { user_id: who, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), replaces: shift.userId, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('override.saved', { who: name(who), whom: name(shift.userId), schedule: shift.scheduleName }) });
          onDone();
        },
      },
    );
  };

  const options = users.filter((u) => u.id !== shift.userId && u.role !== 'viewer').map((u) => ({ value: u.id, label: u.id === me ? t('override.me', { name: u.name }) : u.name }));
  const confirmLabel = who && who === me ? t('override.takeShift') : who ? t('override.giveTo', { name: name(who) }) : t('override.pickFirst');

  return (
    <Stack gap="xs" w={280}>
      <div>
        <Text size="sm" fw={700}>
          {t('override.title', { name: name(shift.userId) })}
        </Text>
        <Text size="xs" c="dimmed">
          {shift.scheduleName} · {formatRange(startMs ?? shift.start, endMs ?? shift.end, zone, i18n.language)}
        </Text>
      </div>
      {canEdit ? (
        <>
          <Select
            label={t('override.who')}
            size="xs"
            data={options}
            value={who}
            onChange={setWho}
            searchable
            comboboxProps={{ withinPortal: false }}
            placeholder={t('override.pickPerson')}
            data-autofocus={ownShift || undefined}
          />
          <Anchor component="button" type="button" size="xs" onClick={() => setAdjust((v) => !v)} aria-expanded={adjust}>
            {adjust ? t('override.hideWindow') : t('override.adjustWindow')}
          </Anchor>
          <Collapse expanded={adjust}>
            <Stack gap={6}>
              <TextInput size="xs" type="datetime-local" label={t('override.from', { zone })} value={start} onChange={(e) => setStart(e.currentTarget.value)} />
              <TextInput size="xs" type="datetime-local" label={t('override.to', { zone })} value={end} onChange={(e) => setEnd(e.currentTarget.value)} error={badWindow ? t('override.badWindow') : undefined} />
              <TextInput size="xs" label={t('override.reason')} value={reason} maxLength={500} onChange={(e) => setReason(e.currentTarget.value)} />
            </Stack>
          </Collapse>
          {create.error && (
            <Alert color="red" p="xs" role="alert">
              <Text size="xs">{create.error.message}</Text>
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={onDone}>
              {common('cancel')}
            </Button>
            <Button size="xs" data-testid="override-confirm" data-autofocus={!ownShift || undefined} onClick={submit} loading={create.isPending} disabled={!who || badWindow}>
              {confirmLabel}
            </Button>
          </Group>
        </>
      ) : (
        <>
          <Text size="xs" c="dimmed">
            {t('override.viewerHint')}
          </Text>
          <Tooltip label={common('noPermission', { role: common(`role.${session?.user.role ?? 'viewer'}`) })}>
            <Button size="xs" data-testid="override-confirm" data-disabled onClick={(e) => e.preventDefault()}>
              {t('override.takeShift')}
            </Button>
          </Tooltip>
        </>
      )}
    </Stack>
  );
}
