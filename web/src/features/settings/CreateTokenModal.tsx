import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useUsers } from '../../api/catalog';
import type { Role } from '../../api/types';
import { SecretBox } from './SecretBox';
import { useCreateToken } from './tokens-api';
import type { CreatedToken, TokenScope } from './types';

const ROLES: Role[] = ['viewer', 'responder', 'admin'];

interface Props {
  scope: TokenScope;
  /** The highest role the new token may have (your own for personal tokens). */
  maxRole: Role;
  opened: boolean;
  onClose: () => void;
}

/** Name (and role, and for admins an owner) in; the secret out, once. */
export function CreateTokenModal({ scope, maxRole, opened, onClose }: Props) {
  const { t } = useTranslation('settings');
  const create = useCreateToken(scope);
  const users = useUsers();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(scope === 'all' ? 'viewer' : maxRole);
  const [owner, setOwner] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const close = () => {
    onClose();
    // Forget the secret as soon as the dialog is closed.
    setCreated(null);
    setName('');
    setOwner(null);
    create.reset();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate({ name: name.trim(), role, ...(scope === 'all' && owner ? { user_id: owner } : {}) }, { onSuccess: setCreated });
  };
  const roles = ROLES.slice(0, ROLES.indexOf(maxRole) + 1).map((r) => ({ value: r, label: t(`common:role.${r}`) }));

  return (
    <Modal opened={opened} onClose={close} title={t('tokens.createTitle')} size="lg" closeOnClickOutside={!created}>
      {created ? (
        <Stack>
          <SecretBox value={created.token} />
          <Group justify="flex-end">
            <Button onClick={close}>{t('tokens.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="sm">
            <TextInput label={t('tokens.name')} placeholder={t('tokens.namePlaceholder')} required maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus data-testid="token-name" />
            <Select label={t('tokens.role')} data={roles} value={role} onChange={(value) => value && setRole(value as Role)} allowDeselect={false} data-testid="token-role" />
            {scope === 'all' && (
              <Select
                label={t('tokens.user')}
                placeholder={t('tokens.noUser')}
                data={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.id})` }))}
                value={owner}
                onChange={setOwner}
                clearable
                searchable
              />
            )}
            {create.error && (
              <Alert color="red" variant="light" role="alert" py={8}>
                {t('tokens.failed', { message: create.error.message })}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common:cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!name.trim()} data-testid="create-token-submit">
                {t('tokens.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
