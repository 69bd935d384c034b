import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useUsers } from '../../../api/catalog';
import { incidentPath, useIncidentMutation } from '../api';

const AUTO = 'auto';
const DUE_CHOICES = ['default', '1h', '4h', '24h', '72h'] as const;

/** Title, owner (default: whoever is on call) and due time (default: by severity). */
export function AddActionItem({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation('incident');
  const users = useUsers();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState<string>(AUTO);
  const [due, setDue] = useState<string>('default');
  const add = useIncidentMutation(incidentRef, (body: Record<string, unknown>) => api.post(`${incidentPath(incidentRef)}/action-items`, body), {
    success: () => t('done.actionItem'),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    const body: Record<string, unknown> = { title: title.trim(), source: 'ui' };
    if (owner !== AUTO) body.assignee_user_id = owner;
    if (due !== 'default') body.due_at = new Date(Date.now() + Number.parseInt(due, 10) * 3_600_000).toISOString();
    add.mutate(body, {
      onSuccess: () => {
        setTitle('');
        setOwner(AUTO);
        setDue('default');
      },
    });
  };

  return (
    <form onSubmit={submit}>
      <Stack gap={6} mt="sm">
        <TextInput size="xs" label={t('actionItems.new')} placeholder={t('actionItems.placeholder')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={500} data-testid="action-item-input" />
        <Group gap={6} wrap="nowrap" align="flex-end">
          <Select
            size="xs"
            label={t('actionItems.owner')}
            value={owner}
            onChange={(v) => setOwner(v ?? AUTO)}
            data={[{ value: AUTO, label: t('actionItems.onCall') }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))]}
            searchable
            allowDeselect={false}
            style={{ flex: 1, minWidth: 0 }}
          />
          <Select
            size="xs"
            label={t('actionItems.dueIn')}
            value={due}
            onChange={(v) => setDue(v ?? 'default')}
            data={DUE_CHOICES.map((d) => ({ value: d, label: t(`actionItems.dueChoices.${d}`) }))}
            allowDeselect={false}
            w={110}
          />
          <Button type="submit" size="xs" leftSection={<IconPlus size={14} />} loading={add.isPending} disabled={!title.trim()} data-testid="action-item-add">
            {t('add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
