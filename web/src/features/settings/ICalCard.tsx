import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconCalendarPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { CopyValue } from './SecretBox';
import { Section } from './Section';
import { useCreateToken } from './tokens-api';

const today = () => new Date().toISOString().slice(0, 10);
const nowStamp = () => new Date().toISOString().slice(11, 19).replaceAll(':', '');

/**
 * A personal viewer token made for a calendar app, shown as the feed URL. Calendar apps cannot send
 * headers, so the token rides in the query string, which is why the link is a secret.
 */
export function ICalCard({ userId }: { userId: string }) {
  const { t } = useTranslation('settings');
  const create = useCreateToken('mine');
  const [link, setLink] = useState<{ url: string; name: string } | null>(null);

  const make = async () => {
    let name = `ical-${today()}`;
    const attempt = () => create.mutateAsync({ name, role: 'viewer' });
    let created;
    try {
      created = await attempt();
    } catch (error) {
      // One link a day is the usual case; a second one that day gets the time in its name.
      if (!(error instanceof ApiError && error.status === 409)) return;
      name = `ical-${today()}-${nowStamp()}`;
      created = await attempt().catch(() => null);
      if (!created) return;
    }
    setLink({ name, url: `${window.location.origin}/api/v1/users/${encodeURIComponent(userId)}/ical?token=${encodeURIComponent(created.token)}` });
  };

  return (
    <Section title={t('ical.title')} text={t('ical.text')}>
      {link ? (
        <Stack gap="xs">
          <Text size="sm">{t('ical.created')}</Text>
          <Group gap="xs" wrap="nowrap" align="flex-end">
            <TextInput aria-label={t('ical.label')} value={link.url} readOnly data-testid="ical-link" onFocus={(e) => e.currentTarget.select()} style={{ flex: 1 }} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }} />
            <CopyValue value={link.url} />
          </Group>
          <Alert color="yellow" variant="light" py={8}>
            {t('ical.secret', { name: link.name })}
          </Alert>
        </Stack>
      ) : (
        <Group>
          <Button leftSection={<IconCalendarPlus size={16} />} variant="light" loading={create.isPending} onClick={() => void make()} data-testid="create-ical-button">
            {t('ical.create')}
          </Button>
        </Group>
      )}
      {create.error && !link && (
        <Alert color="red" variant="light" role="alert" py={8}>
          {t('ical.failed', { message: create.error.message })}
        </Alert>
      )}
    </Section>
  );
}
