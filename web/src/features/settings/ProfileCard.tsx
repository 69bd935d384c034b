import { Badge, Code, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api/types';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { Section } from './Section';

const ROLE_COLOR = { admin: 'grape', responder: 'blue', viewer: 'gray' } as const;

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

export function ProfileCard({ user }: { user: SessionUser }) {
  const { t } = useTranslation('settings');
  return (
    <Section title={t('profile.title')} text={t('profile.managed')}>
      <SimpleGrid cols={{ base: 2 }} spacing="md" verticalSpacing="sm">
        <Field label={t('profile.name')}>
          <Text fw={600}>{user.name}</Text>
        </Field>
        <Field label={t('profile.role')}>
          <Badge variant="light" color={ROLE_COLOR[user.role]}>
            {t(`common:role.${user.role}`)}
          </Badge>
        </Field>
        <Field label={t('profile.email')}>
          <Text c={user.email ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
            {user.email ?? t('profile.noEmail')}
          </Text>
        </Field>
        <Field label={t('profile.timezone')}>
          <Text>{user.timezone}</Text>
        </Field>
        <Field label={t('profile.id')}>
          <Code>{user.id}</Code>
        </Field>
        <Field label={t('profile.language')}>
          <Group>
            <LanguageSwitch />
          </Group>
        </Field>
      </SimpleGrid>
    </Section>
  );
}
