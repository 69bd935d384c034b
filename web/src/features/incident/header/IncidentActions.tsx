import { Button, Group, Kbd, Modal, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { IconArrowBigUpLines, IconCheck, IconCircleCheck, IconRotate } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../api/types';
import { isOpen } from '../../../api/statuses';
import { useCan } from '../../../auth/session';
import { useEscalate, useLifecycle } from '../api';
import { Guarded } from './Guarded';
import classes from './IncidentHeader.module.css';

/** Acknowledge / Resolve / Escalate / Reopen, as the lifecycle allows, with the a / r / e shortcuts. */
export function IncidentActions({ incident, escalating, compact = false }: { incident: Incident; escalating: boolean; compact?: boolean }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const lifecycle = useLifecycle(incident.ref);
  const escalate = useEscalate(incident.ref);
  const [confirmOpen, confirm] = useDisclosure(false);
  const [note, setNote] = useState('');

  const open = isOpen(incident.status);
  const triggered = incident.status === 'triggered';
  const canEscalate = open && (triggered || escalating);
  const busy = lifecycle.isPending || escalate.isPending;

  const acknowledge = () => can && triggered && !busy && lifecycle.mutate({ action: 'acknowledge' });
  const askResolve = () => can && open && confirm.open();
  const escalateNow = () => can && canEscalate && !busy && escalate.mutate(undefined);
  useHotkeys([
    ['a', acknowledge],
    ['r', askResolve],
    ['e', escalateNow],
  ]);

  const resolve = () => {
    lifecycle.mutate({ action: 'resolve', note: note.trim() || undefined }, { onSuccess: () => setNote('') });
    confirm.close();
  };

  const shortcut = (key: string, label: string) => (
    <span>
      {label} <Kbd size="xs">{key}</Kbd>
    </span>
  );

  return (
    <>
      <Group gap={compact ? 6 : 'xs'} wrap={compact ? 'nowrap' : 'wrap'} className={compact ? classes.compactActions : undefined}>
        {triggered && (
          <Guarded allowed={can}>
            <Tooltip label={shortcut('a', t('actions.acknowledge'))} disabled={!can} withArrow>
              <Button data-testid="ack-button" color="yellow" leftSection={compact ? undefined : <IconCheck size={16} />} disabled={!can} loading={lifecycle.isPending && lifecycle.variables?.action === 'acknowledge'} onClick={acknowledge}>
                {t('actions.acknowledge')}
              </Button>
            </Tooltip>
          </Guarded>
        )}
        {open && (
          <Guarded allowed={can}>
            <Tooltip label={shortcut('r', t('actions.resolve'))} disabled={!can} withArrow>
              <Button data-testid="resolve-button" color="green" variant={triggered ? 'light' : 'filled'} leftSection={compact ? undefined : <IconCircleCheck size={16} />} disabled={!can} loading={lifecycle.isPending && lifecycle.variables?.action === 'resolve'} onClick={askResolve}>
                {t('actions.resolve')}
              </Button>
            </Tooltip>
          </Guarded>
        )}
        {canEscalate && (
          <Guarded allowed={can}>
            <Tooltip label={shortcut('e', t('actions.escalateHint'))} disabled={!can} withArrow>
              <Button data-testid="escalate-button" color="red" variant="light" leftSection={compact ? undefined : <IconArrowBigUpLines size={16} />} disabled={!can} loading={escalate.isPending} onClick={escalateNow}>
                {t('actions.escalate')}
              </Button>
            </Tooltip>
          </Guarded>
        )}
        {!open && (
          <Guarded allowed={can}>
            <Button data-testid="reopen-button" variant="default" leftSection={compact ? undefined : <IconRotate size={16} />} disabled={!can} loading={lifecycle.isPending} onClick={() => lifecycle.mutate({ action: 'reopen' })}>
              {t('actions.reopen')}
            </Button>
          </Guarded>
        )}
      </Group>
      <Modal opened={confirmOpen} onClose={confirm.close} title={t('resolveConfirm.title', { ref: incident.ref })}>
        <Stack gap="sm">
          <Text size="sm">{t('resolveConfirm.body')}</Text>
          <Textarea label={t('resolveConfirm.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={4000} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              {t('common:cancel')}
            </Button>
            <Button color="green" onClick={resolve} data-testid="resolve-confirm">
              {t('actions.resolve')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
