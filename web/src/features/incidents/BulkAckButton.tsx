import { Button, List } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChecks } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useBulkAcknowledge, type BulkAckResult } from './use-incidents';

/** Acknowledges the checked incidents in one request and sums up what happened in a toast. */
export function BulkAckButton({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { t } = useTranslation('incidents');
  const ack = useBulkAcknowledge();

  const report = ({ results }: BulkAckResult) => {
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    if (ok.length) {
      notifications.show({
        color: 'green',
        title: t('ack.done', { refs: ok.map((r) => r.ref ?? r.id).join(', ') }),
        message: null,
      });
    }
    if (failed.length) {
      notifications.show({
        color: 'red',
        title: t('ack.failedTitle'),
        autoClose: 10_000,
        message: (
          <List size="sm" spacing={2}>
            {failed.map((r) => (
              <List.Item key={r.id}>{t('ack.failedLine', { ref: r.ref ?? r.id, error: r.error ?? '' })}</List.Item>
            ))}
          </List>
        ),
      });
    }
    onDone();
  };

  return (
    <Button
      size="xs"
      color="yellow"
      variant={ids.length ? 'filled' : 'light'}
      leftSection={<IconChecks size={16} />}
      disabled={!ids.length}
      loading={ack.isPending}
      data-testid="bulk-ack-button"
      onClick={() =>
        ack.mutate(ids, {
          onSuccess: report,
          onError: (error) => notifications.show({ color: 'red', title: t('ack.error', { message: error.message }), message: null }),
        })
      }
    >
      {t('ack.button', { count: ids.length })}
    </Button>
  );
}
