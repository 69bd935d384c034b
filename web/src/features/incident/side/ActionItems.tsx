import { ActionIcon, Checkbox, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useCan } from '../../../auth/session';
import { RelativeTime } from '../../../components/RelativeTime';
import { useNow } from '../../../components/use-now';
import { useActionItems, useIncidentMutation } from '../api';
import type { ActionItem } from '../types';
import { AddActionItem } from './AddActionItem';
import { SidePanel } from './SidePanel';

function ItemRow({ item, incidentRef }: { item: ActionItem; incidentRef: string }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const now = useNow();
  const close = useIncidentMutation(incidentRef, (action: 'complete' | 'cancel') => api.post(`/api/v1/action-items/${item.id}/${action}`, {}));
  const open = item.status === 'open';
  const overdue = open && new Date(item.due_at).getTime() < now;
  return (
    <Group component="li" gap="xs" wrap="nowrap" align="flex-start" data-testid="action-item" data-status={item.status}>
      <Checkbox
        mt={2}
        size="sm"
        checked={item.status === 'done'}
        disabled={!can || !open || close.isPending}
        onChange={() => close.mutate('complete')}
        aria-label={t('actionItems.markDone', { title: item.title })}
      />
      <Stack gap={0} miw={0} style={{ flex: 1 }}>
        <Text size="sm" td={open ? undefined : 'line-through'} c={open ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
          {item.title}
        </Text>
        <Text size="xs" c={overdue ? 'red' : 'dimmed'}>
          {item.assignee_name ?? item.assignee_user_id ?? t('actionItems.nobody')}
          {' · '}
          {item.status === 'cancelled' ? t('actionItems.cancelled') : open ? <>{overdue ? t('actionItems.overdue') : t('actionItems.due')} <RelativeTime at={item.due_at} /></> : t('actionItems.done')}
        </Text>
      </Stack>
      {can && open && (
        <Tooltip label={t('actionItems.cancel')}>
          <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('actionItems.cancelItem', { title: item.title })} onClick={() => close.mutate('cancel')}>
            <IconX size={14} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** Follow-ups with an owner and a due time; open ones first. */
export function ActionItems({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const query = useActionItems(incidentRef);
  const items = [...(query.data ?? [])].sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open') || a.due_at.localeCompare(b.due_at));
  const open = items.filter((i) => i.status === 'open').length;
  return (
    <SidePanel title={t('actionItems.title')} count={open} testId="action-items">
      <Stack gap={8} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-live="polite">
        {!items.length && !query.isLoading && (
          <Text component="li" size="sm" c="dimmed">
            {t('actionItems.empty')}
          </Text>
        )}
        {items.map((item) => (
          <ItemRow key={item.id} item={item} incidentRef={incidentRef} />
        ))}
      </Stack>
      {can && <AddActionItem incidentRef={incidentRef} />}
    </SidePanel>
  );
}
