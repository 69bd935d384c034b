import { ActionIcon, Button, Group, Modal, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ApiToken, TokenScope } from './types';
import { useRevokeToken } from './tokens-api';

/** Revoke with a confirmation, since whatever uses the token breaks at once. */
export function RevokeButton({ token, scope, disabledReason }: { token: ApiToken; scope: TokenScope; disabledReason?: string }) {
  const { t } = useTranslation('settings');
  const [opened, { open, close }] = useDisclosure(false);
  const revoke = useRevokeToken(scope);
  const label = t('tokens.revoke', { name: token.name });

  const confirm = () =>
    revoke.mutate(token.id, {
      onSuccess: () => {
        close();
        notifications.show({ color: 'green', title: t('tokens.revokeDone', { name: token.name }), message: null });
      },
      onError: (error) => notifications.show({ color: 'red', title: t('tokens.revokeFailed', { message: error.message }), message: null }),
    });

  return (
    <>
      <Tooltip label={disabledReason ?? label} withArrow>
        <ActionIcon variant="subtle" color="red" aria-label={label} onClick={open} disabled={!!disabledReason} data-testid={`revoke-token-${token.name}`}>
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
      <Modal opened={opened} onClose={close} title={t('tokens.revokeTitle')} size="sm">
        <Text size="sm">{t('tokens.revokeText', { name: token.name })}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={close}>
            {t('common:cancel')}
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={confirm} data-testid="confirm-revoke">
            {t('tokens.revokeConfirm')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
